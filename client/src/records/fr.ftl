# Fiches compte, contact et affaire : détails, liens, chronologie, tâches, historique et conflits.
contact-title = Contact
deal-title = Affaire
record-details = Informations
record-reach = Téléphones et e-mails
record-phone = Numéro de téléphone
record-email = Adresse e-mail
record-add-phone = Ajouter un numéro (touche Entrée)
record-add-email = Ajouter une adresse e-mail (touche Entrée)
record-remove-phone = Supprimer le numéro
record-remove-email = Supprimer l’adresse e-mail
record-map = Plan
record-no-owner = Personne
record-tags-hint = Séparés par des virgules, enregistrés en quittant le champ
record-tab-details = Informations
record-tab-history = Historique
record-conflict = Deux personnes ont modifié « { $field } » en même temps sur des appareils différents. Gardez une valeur :
record-conflict-label = Valeurs concurrentes de { $field }
record-conflicts = Champs modifiés en même temps par deux personnes
record-field-name = Nom
record-field-siren = SIREN
record-field-siret = SIRET
record-field-vat = Numéro de TVA
record-field-industry = Secteur
record-field-tags = Étiquettes
record-field-stage = Étape
record-field-addresses = Adresses
record-field-phones = Téléphones
record-field-emails = E-mails
record-field-website = Site web
record-field-owner = Responsable
record-field-territory = Secteur
record-territory-none = Aucun secteur
record-field-notes = Notes
record-field-activities = Activités
record-field-tasks = Tâches
record-field-first-name = Prénom
record-field-last-name = Nom
record-field-job-title = Fonction
record-field-accounts = Comptes
record-field-title = Intitulé
record-field-account = Compte
record-field-amount = Montant
record-field-status = Statut
record-field-expected-close = Date de signature prévue
record-field-probability = Probabilité
record-stage-prospect = Prospect
record-stage-new-customer = Nouveau client
record-stage-active = Client actif
record-stage-to-reactivate = À relancer
record-stage-lost = Perdu
record-suggested = Suggéré : { $stage } — { $reasons }
record-suggested-no-order = aucune commande encore
record-suggested-last-order = dernière commande { $days ->
    [0] aujourd’hui
    [1] hier
   *[other] il y a { $days } jours
}
record-suggested-usually = d’habitude { $days ->
    [1] chaque jour
   *[other] tous les { $days } jours
}
record-suggested-last-visit = dernière visite { $days ->
    [0] aujourd’hui
    [1] hier
   *[other] il y a { $days } jours
}
record-suggested-use = Appliquer la suggestion
record-activity-visit = Visite
record-activity-call = Appel
record-activity-meeting = Rendez-vous
record-activity-email = E-mail
record-activity-note = Note
record-activity-other = Activité
record-input-email-at = Une adresse e-mail contient exactement un @, comme jean@exemple.fr.
record-input-email-local = La partie avant le @ est vide ou contient un caractère interdit.
record-input-email-domain = La partie après le @ n’est pas un domaine valide, comme exemple.fr.
record-input-email-long = Cette adresse e-mail est trop longue.
record-input-phone-character = Un numéro ne contient que des chiffres, des espaces, des points et des tirets.
record-input-phone-french = Un numéro français a dix chiffres, comme 06 12 34 56 78.
record-input-phone-international = Un numéro international commence par + et compte de 8 à 15 chiffres.
record-input-phone-country = Commencez par 0 pour un numéro français, ou par + et l’indicatif du pays.
record-input-registration-character = Uniquement des chiffres et des espaces.
record-input-registration-length = Un SIREN a 9 chiffres et un SIRET 14.
record-input-registration-check = La clé de contrôle ne correspond pas : un chiffre est sans doute mal saisi.
record-input-vat-country = Un numéro de TVA commence par le code du pays, comme FR.
record-input-vat-shape = Ce numéro de TVA n’a pas la bonne longueur ou les bons caractères pour son pays.
record-input-vat-key = La clé de TVA ne correspond pas au SIREN de l’entreprise.
record-input-money-number = Un montant est un nombre comme 1 234,56.
record-input-money-decimals = Trop de décimales pour cette devise.
record-input-money-large = Ce montant est trop élevé.
record-input-date-format = Écrivez une date comme 31/03/2025.
record-input-date-day = Ce jour n’existe pas.
record-input-required = Ce champ ne peut pas rester vide.
account-street = Rue
account-postcode = Code postal
account-contacts = Contacts
account-contacts-empty = Aucun contact pour ce compte.
account-deals = Affaires
account-deals-empty = Aucune affaire avec ce compte.
account-tasks = Tâches
account-tasks-empty = Rien à faire pour ce compte.
account-task-due = pour le { $date }
account-task-overdue = en retard depuis le { $date }
account-new-task = Nouvelle tâche
account-new-task-due = Échéance
account-add-task = Ajouter la tâche
account-timeline = Activité
account-timeline-empty = Aucune visite, aucun appel, aucune note pour l’instant.
account-add-call = Noter un appel
account-add-note = Ajouter une note
account-activity-report = { $kind } · { $when }
contact-missing = Ce contact n’est pas (encore) sur cet appareil. Il apparaîtra après la synchronisation.
contact-accounts = Comptes
contact-accounts-empty = Rattaché à aucun compte.
contact-account-elsewhere = Un compte pas encore sur cet appareil
contact-channel = Canal préféré
contact-channel-phone = Téléphone
contact-channel-email = E-mail
contact-channel-visit = En personne
contact-channel-sms = SMS
contact-consent-email = Accepte les e-mails
contact-consent-phone = Accepte les appels
deal-back = ← Pipeline
deal-missing = Cette affaire n’est pas (encore) sur cet appareil. Elle apparaîtra après la synchronisation.
deal-amount-in = Montant ({ $currency })
deal-status-open = En cours
deal-status-won = Gagnée
deal-status-lost = Perdue
history-created = Création
history-changed = { $fields } modifié
history-changes = { $count ->
    [one] une modification
   *[other] { $count } modifications
}
history-by-me-here = { $name }, sur cet appareil
history-by-me-elsewhere = { $name }, sur un autre appareil
history-by-colleague = Collègue { $user } (appareil { $device })
history-by-colleague-named = { $name } (appareil { $device })
history-by-unknown = Carnet
history-pick = Choisissez une modification pour voir ce qu’elle a changé et la fiche telle qu’elle était.
history-detail-title = Ce que cette modification a changé
history-field = Champ
history-before = Avant
history-after = Après
history-restore = Rétablir cette valeur
history-restore-label = Rétablir { $field } à « { $value } »
history-empty = (vide)
history-as-it-was = La fiche telle qu’elle était après cette modification
