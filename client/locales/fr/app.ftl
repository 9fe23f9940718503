# Le cadre de l'application : navigation, indicateur de synchronisation, mise à jour, connexion.
app-name = Carnet
nav-main = Navigation principale
nav-accounts = Comptes
nav-today = Aujourd'hui
nav-pipeline = Pipeline
nav-search = Recherche
nav-settings = Réglages
opening-app = Ouverture de Carnet…
not-found = Il n'y a rien ici.
not-found-back = Retour aux comptes
not-an-account = Cette adresse ne désigne aucun compte.
update-ready = Une nouvelle version de Carnet est prête.
update-reload = Recharger
dismiss = Fermer

sync-signed-out = Déconnecté
sync-offline = Hors ligne
sync-offline-pending = { $count ->
    [one] Hors ligne · { $count } modification à synchroniser
   *[other] Hors ligne · { $count } modifications à synchroniser
}
sync-connecting = Connexion…
sync-downloading = Téléchargement · { $count } fiches
sync-syncing = Synchronisation…
sync-syncing-pending = Synchronisation · { $count } en attente
sync-synced = Synchronisé
sync-failed = Synchronisation arrêtée
sync-now = Synchroniser
sync-last-synced = Dernière synchronisation à { $time }
sync-unsynced-warning = { $count ->
    [one] Une modification faite sur cet appareil il y a { $days } jours n'est pas encore synchronisée.
   *[other] { $count } modifications faites sur cet appareil il y a { $days } jours ne sont pas encore synchronisées.
} Connectez-vous vite à un réseau : d'ici là, elles n'existent qu'ici.

sign-in-title = Connexion à Carnet
sign-in-lead = Connectez-vous une fois sur cet appareil. Vos comptes y sont ensuite gardés et fonctionnent sans réseau.
sign-in-email = Adresse e-mail
sign-in-password = Mot de passe
sign-in-submit = Se connecter
sign-in-busy = Connexion…

digest-title = { $count ->
    [one] Pendant votre absence, un collègue a modifié un compte :
   *[other] Pendant votre absence, vos collègues ont modifié { $count } comptes :
}
digest-more = et { $count } de plus
