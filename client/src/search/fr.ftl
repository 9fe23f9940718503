# Recherche.
search-title = Recherche
search-label = Chercher dans les comptes, contacts, affaires, notes et comptes rendus de visite
search-placeholder = Nom, ville, contact, mots d'une note ou d'un compte rendu…
search-preparing = Préparation de la recherche…
search-ready = { $count ->
    [one] Une fiche où chercher.
   *[other] { $count } fiches où chercher.
}
search-results = { $count ->
    [0] Aucun résultat.
    [one] Un résultat.
   *[other] { $count } résultats.
}
search-kind-account = Compte
search-kind-contact = Contact
search-kind-deal = Affaire
search-found-email = dans une adresse e-mail
search-found-details = dans les détails
search-found-notes = dans les notes
search-found-report = dans un compte rendu de visite
