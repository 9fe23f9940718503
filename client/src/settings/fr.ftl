# Réglages : langue, session, synchronisation, stockage, déconnexion.
settings-title = Réglages
settings-language = Langue
settings-signed-in = Connecté
settings-sync = Synchronisation
settings-pending = { $count ->
    [one] Une modification en attente de synchronisation
   *[other] { $count } modifications en attente de synchronisation
}
settings-storage = Stockage sur cet appareil
settings-usage = { $used } utilisés sur { $quota } disponibles pour Carnet ({ $percent } %)
settings-usage-unknown = Le navigateur n'indique pas l'espace utilisé.
settings-persistent = Protégé : le navigateur n'effacera pas les données de Carnet pour libérer de la place.
settings-not-persistent = Non protégé : le navigateur peut effacer les données de Carnet quand l'espace manque. Installez l'application et synchronisez souvent.
settings-persistence-unasked = Pas encore demandé.
settings-rebuild = Reconstruire les listes
settings-rebuilt = Les listes ont été reconstruites à partir de { $count } fiches.
settings-sign-out = Se déconnecter
settings-sign-out-text = La déconnexion efface les données de Carnet de cet appareil.
settings-unsynced = { $count ->
    [one] Une modification de cet appareil n'est pas encore synchronisée et serait perdue :
   *[other] { $count } modifications de cet appareil ne sont pas encore synchronisées et seraient perdues :
}
settings-sign-out-anyway = Se déconnecter et perdre ces modifications
devices-title = Appareils
devices-loading = Lecture de vos appareils…
devices-never-synced = jamais synchronisé
devices-last-seen = dernière synchronisation { $when }
devices-this-one = cet appareil
devices-remove = Retirer
# Secteurs (administrateurs).
territories-title = Secteurs
territories-rule = Un nouveau compte (créé ou importé) rejoint le secteur de son code postal : un début de code postal l'emporte sur un département. Modifier un secteur ici ne déplace aucun compte existant tant que vous ne rangez pas les comptes dans leurs secteurs ; le secteur d'un compte se choisit aussi sur sa fiche.
territories-empty = Aucun secteur pour l'instant.
territories-name = Nom
territories-departements = Départements
territories-departements-hint = 69, 2A, 971
territories-prefixes = Débuts de code postal
territories-prefixes-hint = 690, 75011
territories-remove = Supprimer
territories-remove-confirm = Supprimer ce secteur ? Ses comptes gardent sa clé jusqu'à ce qu'on leur en choisisse un autre.
territories-keep = Garder
territories-new = Nouveau secteur
territories-new-hint = Île-de-France
territories-add = Ajouter le secteur
territories-realign = Ranger les comptes dans leurs secteurs
territories-realign-waiting = En attente de l'envoi de vos modifications au serveur…
territories-realigned = { $count ->
    [one] Un compte a rejoint le secteur de son code postal.
   *[other] { $count } comptes ont rejoint le secteur de leur code postal.
}
territories-departement-invalid = « { $code } » n'est pas un département (01 à 95, 2A, 2B, 971 à 976).
territories-prefix-invalid = « { $code } » n'est pas un début de code postal (un à cinq chiffres).
territories-name-missing = Un secteur a besoin d'un nom.
identity-title = Identité de l'entreprise
identity-rule = Imprimée sur chaque devis et chaque commande, avec les mentions légales d'un devis français.
identity-legal-name = Raison sociale
identity-legal-form = Forme juridique et capital (SAS au capital de 10 000 €)
identity-siret = SIRET
identity-registry = Immatriculation (RCS Lyon 123 456 789)
identity-vat-number = N° de TVA intracommunautaire
identity-street = Rue
identity-postcode = Code postal
identity-city = Ville
identity-mentions = Autres mentions légales
identity-problem-siret = Ce n'est pas un SIRET : 14 chiffres, avec une clé valide.
identity-problem-too-long = C'est trop long.
identity-problem-logo = Le logo doit être une petite image PNG, JPEG ou WebP.
identity-logo = Logo (PNG, JPEG ou WebP, 70 Ko au plus)
identity-logo-preview = Le logo de l'entreprise
identity-logo-remove = Retirer le logo

lifecycle-title = Cycle de vie client
lifecycle-rule = Chaque compte affiche, à côté de l’étape choisie à la main, celle que suggèrent ses commandes. Un client qui n’a jamais commandé est un prospect ; silencieux au-delà du seuil de perte, perdu ; avec une première commande assez récente, nouveau ; avec une dernière commande assez récente, actif ; silencieux au-delà du plancher de relance et de son rythme habituel multiplié par le pourcentage, à relancer.
lifecycle-new-customer-days = Nouveau client : première commande il y a au plus ce nombre de jours
lifecycle-active-days = Client actif : dernière commande il y a au plus ce nombre de jours
lifecycle-win-back-floor-days = À relancer : silencieux depuis plus de ce nombre de jours au moins
lifecycle-win-back-rhythm-percent = À relancer : silencieux au-delà de ce pourcentage de son intervalle habituel
lifecycle-lost-days = Perdu : silencieux depuis plus de ce nombre de jours
lifecycle-problem-number = Saisissez un nombre entier.
lifecycle-problem-days = Un nombre de jours est compris entre 1 et 3650.
lifecycle-problem-percent = Le pourcentage est compris entre 100 et 1000.
lifecycle-problem-longer-than-lost = Un client ne doit pas rester nouveau ou actif plus longtemps qu’il ne faut pour être perdu.
