people-title = Personnes
people-loading = Lecture des personnes de l'espace…
people-role-admin = administrateur
people-role-rep = commercial
people-role-manager = responsable d'équipe
people-role-other = { $role }
people-you = vous
people-disabled = désactivé
people-disable = Désactiver
people-disable-confirm = Désactiver { $name } ? Tous ses appareils sont déconnectés aussitôt et cette personne ne peut plus se connecter.
people-cancel = Annuler
people-invite = Inviter quelqu'un
people-invite-email = Son adresse e-mail
people-invite-role = Rôle
people-invite-submit = Créer un lien d'invitation
people-invite-made = Envoyez ce lien à { $email } : il fonctionne une fois, pendant { $days } jours.
people-pending = Invitations en attente
people-pending-until = lien valable jusqu'au { $when }
people-pending-teams = rejoint { $teams }
people-pending-territories = couvre { $territories }
people-pending-cancel = Annuler l'invitation
quarantine-title = Modifications mises de côté
quarantine-summary = { $count ->
    [one] modification d'une fiche à laquelle vous n'avez plus accès
   *[other] modifications de fiches auxquelles vous n'avez plus accès
}
quarantine-explanation = Ces fiches ont été réattribuées ou ont quitté votre secteur. Vos modifications sont conservées sur cet appareil et repartent si les fiches vous reviennent. Téléchargez-les pour les transmettre à un collègue, ou supprimez-les.
quarantine-record-changes = { $count ->
    [one] 1 modification
   *[other] { $count } modifications
}
quarantine-kind-account = Un compte
quarantine-kind-contact = Un contact
quarantine-kind-deal = Une affaire
quarantine-kind-settings = Les réglages de l'espace
quarantine-kind-product = Un produit du catalogue
quarantine-kind-quote = Un devis
quarantine-kind-order = Une commande
quarantine-kind-unknown = Une fiche
quarantine-export-json = Exporter (JSON)
quarantine-export-csv = Exporter (CSV)
quarantine-discard = Supprimer
quarantine-discard-confirm = { $count ->
    [one] Supprimer définitivement cette modification ? Elle ne pourra pas être récupérée.
   *[other] Supprimer définitivement ces { $count } modifications ? Elles ne pourront pas être récupérées.
}
quarantine-cancel = Annuler
people-handover-label = Confier ses comptes et affaires à
people-handover-nobody = Personne (ils restent à son nom)
people-handed-over = { $count ->
    [one] Désactivé ; 1 fiche confiée à { $name }.
   *[other] Désactivé ; { $count } fiches confiées à { $name }.
}
people-disabled-done = Désactivé.
people-access-edit = Rôle et territoires
people-access-role = Rôle
people-access-territories = Territoires
people-access-no-territories = L'espace ne définit encore aucun territoire.
people-access-save = Enregistrer
teams-title = Équipes
teams-empty = Aucune équipe pour l'instant.
teams-leads = Responsables : { $names }
teams-members = Membres : { $names }
teams-territories = Territoires : { $names }
teams-edit = Modifier
teams-new = Nouvelle équipe
teams-name = Nom de l'équipe
teams-form-leads = Responsables
teams-form-members = Membres
teams-form-territories = Territoires
teams-save = Enregistrer l'équipe
people-reset-password = Réinitialiser le mot de passe
people-reset-made = Envoyez ce lien à { $name } : il permet de choisir un nouveau mot de passe, une seule fois, jusqu'au { $when }. Ses appareils déjà connectés le restent.
people-reset-copy = Copier le lien
people-reset-copied = Copié
people-invite-teams = Équipes rejointes
people-invite-territories = Territoires couverts
people-hand-over = Confier ses fiches
people-hand-over-confirm = Confier les comptes et affaires de { $name } à un collègue.
