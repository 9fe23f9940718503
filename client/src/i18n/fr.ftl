# Le cadre de l'application : navigation, indicateur de synchronisation, mise à jour, connexion.
app-name = Carnet
nav-main = Navigation principale
nav-accounts = Comptes
nav-today = Aujourd'hui
nav-pipeline = Pipeline
nav-search = Recherche
nav-settings = Réglages
opening-app = Ouverture de Carnet…
opening-page = Ouverture de la page…
problem-pages-unavailable = Cette page n’a pas pu être chargée : l’appareil est hors ligne et ne l’a pas encore gardée. Vos données sont en sécurité.
try-again = Réessayer
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
join-title = Rejoindre votre équipe sur Carnet
join-lead = Vous avez été invité. Choisissez votre nom et un mot de passe : cet appareil est alors connecté et télécharge les comptes de votre équipe.
join-name = Votre nom
join-password = Mot de passe (8 caractères ou plus)
join-submit = Rejoindre
reset-title = Choisir un nouveau mot de passe
reset-lead = Votre administrateur vous a envoyé ce lien. Choisissez un nouveau mot de passe : cet appareil est alors connecté et télécharge les comptes de votre équipe.
reset-password = Nouveau mot de passe (8 caractères ou plus)
reset-submit = Enregistrer et se connecter
sign-in-busy = Connexion…

digest-title = { $count ->
    [one] Pendant votre absence, un collègue a modifié un compte :
   *[other] Pendant votre absence, vos collègues ont modifié { $count } comptes :
}
digest-more = et { $count } de plus

problem-storage-full = Le stockage de cet appareil est plein. Libérez de la place puis réessayez ; rien n'a été perdu.
problem-storage-unavailable = Ce navigateur ne permet pas à Carnet de garder des données sur l'appareil. Quittez la navigation privée ou autorisez les données du site.
problem-storage-blocked = Un autre onglet de Carnet est encore ouvert sur une ancienne version. Fermez-le pour continuer.
problem-storage-upgrade = Carnet n'a pas pu préparer son stockage ; les données précédentes ont été gardées.
problem-storage-aborted = Le navigateur a annulé l'enregistrement ; rien n'a été écrit. Réessayez.
problem-storage-corrupt = Une fiche enregistrée est endommagée.
problem-storage-failed = Le stockage de l'appareil a échoué.
problem-unreachable = Le serveur est injoignable. Votre travail est gardé sur cet appareil.
problem-wrong-credentials = Cette adresse e-mail et ce mot de passe ne correspondent pas. Vérifiez-les et réessayez.
problem-session-ended = Votre session est terminée. Reconnectez-vous ; rien n'a été perdu sur cet appareil.
problem-invitation-invalid = Cette invitation est inconnue, expirée ou déjà utilisée. Demandez-en une nouvelle.
problem-reset-link-unknown = Ce lien de réinitialisation est inconnu. Vérifiez que vous avez ouvert le lien en entier, ou demandez-en un nouveau à votre administrateur.
problem-reset-link-expired = Ce lien de réinitialisation a expiré. Demandez-en un nouveau à votre administrateur.
problem-reset-link-used = Ce lien de réinitialisation a déjà été utilisé. Demandez-en un nouveau à votre administrateur.
problem-reset-link-replaced = Un lien de réinitialisation plus récent a remplacé celui-ci. Ouvrez le dernier lien reçu.
problem-person-disabled = Cette personne est désactivée.
problem-copy-failed = Le navigateur a refusé de copier. Sélectionnez le lien et copiez-le vous-même.
problem-email-taken = Cette adresse a déjà un compte.
problem-invalid-details = Vérifiez l'adresse, le nom et le mot de passe (8 caractères ou plus).
problem-access-removed = Un administrateur a retiré cet accès (la personne a été désactivée ou cet appareil retiré). Demandez-lui si vous pensez que c'est une erreur.
problem-device-erased = Un administrateur a retiré cet appareil (ou désactivé votre accès) : sa copie de l'espace de travail a été effacée.
problem-too-many-attempts = Trop de tentatives. Patientez une minute puis réessayez.
problem-unexpected = Le serveur a répondu de façon inattendue.
problem-app-too-old = Cette version de Carnet est trop ancienne pour le serveur ; rechargez pour la mettre à jour.
problem-server-quota-exceeded = Le serveur n'a plus de place pour les modifications de cet appareil. Elles restent en sécurité sur cet appareil et seront envoyées dès que votre responsable aura libéré de la place ou relevé la limite.
problem-storage-not-ready = Le stockage de l'appareil n'est pas encore prêt.
problem-signing-out = Cet appareil est en cours de déconnexion : cette modification n'a pas été gardée.
problem-device-sign-in-damaged = La connexion de cet appareil est endommagée. Reconnectez-vous.
problem-export-failed = Le fichier n’a pas pu être écrit.
problem-download-failed = Le navigateur a refusé le téléchargement.
problem-file-unreadable = Le navigateur n’a pas pu lire ce fichier.
problem-record-missing = Cette fiche n’est pas sur cet appareil.
problem-signed-out = Personne n’est connecté sur cet appareil.
problem-import-cancelled = L’import a été annulé ; rien n’a été importé.
problem-record-unbuildable = Une fiche n’a pas pu être construite depuis sa ligne ; rien n’a été importé.
problem-record-unmergeable = Une fiche n’a pas pu être fusionnée ; rien n’a été modifié.
problem-edit-refused = Cette modification n'a pas pu être faite ; la fiche est restée telle quelle.
problem-record-too-new = Cette fiche a été écrite par une version plus récente de Carnet. Rechargez pour mettre à jour.
problem-clock-invalid = L'horloge de cet appareil ne donne pas de date valide. Réglez la date, puis rechargez.
digest-by = — par { $names }
digest-by-someone = un collègue
nav-catalogue = Catalogue
problem-sale-frozen = Ce document a été envoyé, accepté ou clos et ne peut plus changer : faites plutôt une nouvelle version.
problem-sale-protected = Ce champ est fixé par sa propre étape (envoi, signature, numérotation), pas par une modification.
problem-sale-invalid = Cette modification rendrait le document invalide ; il est resté tel quel.
problem-sales-invalid = Le devis ou la commande n'a pas pu être créé.
problem-sales-no-device-code = Cet appareil n'a pas encore de code pour numéroter les devis : déconnectez-vous puis reconnectez-vous avec du réseau.
problem-sales-numbers-exhausted = Cet appareil a utilisé tous les numéros de l'année pour ce type de document.
problem-sales-not-accepted = Seul un devis accepté devient une commande.
