# Import, export, sauvegarde et restauration.
import-title = Importer
import-intro = Reprenez vos clients d’un tableur (CSV) ou d’un carnet d’adresses (vCard). Le fichier est lu sur cet appareil, même hors ligne ; rien n’est enregistré avant votre confirmation.
import-choose-file = Fichier à importer (.csv ou .vcf)
import-link = Importer un fichier
import-file = Fichier : { $name }
import-kind = Les lignes sont des
import-kind-account = Comptes
import-kind-contact = Contacts
import-kind-deal = Affaires
import-kind-product = Produits
import-detected = Détecté : { $encoding }, champs séparés par { $delimiter }
import-encoding = Encodage
import-delimiter = Séparateur
import-guess = Détecté ({ $value })
import-encoding-utf8 = UTF-8
import-encoding-utf8-bom = UTF-8 avec BOM
import-encoding-windows-1252 = Windows-1252 (Excel, Windows français)
import-delimiter-semicolon = point-virgule (;)
import-delimiter-comma = virgule (,)
import-delimiter-tab = tabulation
import-preview = Premières lignes
import-mapping = Colonnes
import-column = Colonne
import-field = Devient
import-field-none = Ignorer cette colonne
import-missing = Aucune colonne ne donne : { $fields }. Choisissez-en une ci-dessous.
import-loading-existing = Recherche des doublons parmi les fiches de cet appareil…
import-vcard = { $count ->
    [one] Une fiche lue dans le fichier vCard.
   *[other] { $count } fiches lues dans le fichier vCard.
}
import-problems-title = { $count ->
    [one] Une ligne ne sera pas importée
   *[other] { $count } lignes ne seront pas importées
}
import-no-problems = Toutes les lignes sont valides.
import-line = Ligne { $line }
import-problem-wrong_field_count = la ligne a { $found } champs alors que l’en-tête en a { $expected }
import-problem-missing_value = { $field } est vide
import-problem-bad_siret = SIRET invalide « { $value } »
import-problem-bad_siren = SIREN invalide « { $value } »
import-problem-siret_not_of_siren = le SIRET n’appartient pas au SIREN
import-problem-bad_vat = numéro de TVA invalide « { $value } »
import-problem-bad_email = adresse e-mail invalide « { $value } »
import-problem-bad_phone = numéro de téléphone invalide « { $value } »
import-problem-unknown_stage = étape inconnue « { $value } »
import-problem-unknown_territory = territoire inconnu « { $value } »
import-problem-unknown_status = statut inconnu « { $value } » (attendu : en cours, gagnée ou perdue)
import-problem-bad_amount = montant invalide « { $value } »
import-problem-bad_currency = devise inconnue « { $value } »
import-problem-bad_date = { $field } : date invalide « { $value } »
import-problem-bad_probability = la probabilité « { $value } » n’est pas un pourcentage entier de 0 à 100
import-problem-reference_too_long = la référence « { $value } » dépasse 40 caractères
import-problem-bad_price = prix unitaire invalide « { $value } »
import-problem-negative_price = le prix unitaire « { $value } » est négatif (une remise se met sur le devis)
import-problem-bad_vat_rate = taux de TVA « { $value } » inconnu en France (20, 10, 5,5, 2,1 ou 0)
import-problem-invalid_product = le produit n’est pas valide
import-duplicates-title = { $count ->
    [one] Un doublon possible
   *[other] { $count } doublons possibles
}
import-duplicate-of-row = même { $key } que la ligne { $other }
import-duplicate-of-existing = même { $key } que « { $name } », déjà sur cet appareil
import-key-siret = SIRET
import-key-name = nom et code postal
import-key-email = adresse e-mail
import-key-reference = référence
import-decision-skip = Ignorer
import-decision-merge = Fusionner
import-decision-import-anyway = Importer quand même
import-decide-all = Pour tous les doublons :
import-show-more = Afficher la suite ({ $shown } sur { $total } affichés)
import-review = Continuer
import-summary-title = Avant d’importer
import-summary-rows = { $count ->
    [one] { $count } ligne dans le fichier
   *[other] { $count } lignes dans le fichier
}
import-summary-invalid = { $count ->
    [one] { $count } refusée (voir les raisons ci-dessus)
   *[other] { $count } refusées (voir les raisons ci-dessus)
}
import-summary-duplicates = { $count ->
    [one] { $count } doublon possible
   *[other] { $count } doublons possibles
}
import-summary-create = { $count ->
    [one] { $count } nouvelle fiche
   *[other] { $count } nouvelles fiches
}
import-summary-merge-existing = { $count ->
    [one] { $count } fiche de cet appareil complétée (rien n’est écrasé)
   *[other] { $count } fiches de cet appareil complétées (rien n’est écrasé)
}
import-summary-merge-in-file = { $count ->
    [one] { $count } ligne fusionnée avec une ligne précédente
   *[other] { $count } lignes fusionnées avec une ligne précédente
}
import-summary-skip = { $count ->
    [one] { $count } doublon ignoré
   *[other] { $count } doublons ignorés
}
import-all-or-nothing = Soit toutes les lignes choisies sont importées, soit aucune.
import-back = Retour
import-start = Importer
import-progress = { $done } sur { $total } écrites…
import-cancel = Annuler
import-done = Importé : { $created } nouvelles, { $merged } complétées. Elles seront synchronisées avec vos collègues.
import-cancelled = Import annulé : rien n’a été importé.
import-failed = Rien n’a été importé : { $reason }
import-again = Importer un autre fichier
import-to-accounts = Voir les comptes
import-to-catalogue = Voir le catalogue
import-error-empty_file = Le fichier est vide.
import-error-not_text = Ce fichier n’est pas du texte : ce n’est pas un export CSV. Un autre fichier a-t-il été renommé en .csv ?
import-error-workbook_not_csv = C’est un classeur Excel, pas un fichier CSV. Enregistrez-le d’abord au format CSV.
import-error-header_only = Le fichier a une ligne d’en-tête mais aucune ligne dessous.
import-error-malformed_csv = Ligne { $line } : le fichier ne peut pas être lu comme un CSV.
import-error-not_vcard = Le fichier ne contient aucune vCard.
import-error-unterminated_card = Ligne { $line } : la fiche qui commence ici n’a pas de END:VCARD.
import-error-read = Le fichier n’a pas pu être lu : { $reason }
import-field-account_name = Raison sociale
import-field-siret = SIRET
import-field-siren = SIREN
import-field-vat = N° TVA
import-field-industry = Secteur
import-field-lifecycle_stage = Étape
import-field-street = Adresse
import-field-postcode = Code postal
import-field-city = Ville
import-field-country = Pays
import-field-territory = Territoire
import-field-phone = Téléphone
import-field-mobile = Mobile
import-field-email = E-mail
import-field-website = Site web
import-field-tags = Étiquettes
import-field-notes = Notes
import-field-first_name = Prénom
import-field-last_name = Nom
import-field-job_title = Fonction
import-field-birthday = Date de naissance
import-field-title = Intitulé
import-field-amount = Montant
import-field-currency = Devise
import-field-pipeline_stage = Étape du pipeline
import-field-probability = Probabilité
import-field-expected_close = Date de clôture
import-field-status = Statut
import-field-reference = Référence
import-field-product_name = Désignation
import-field-description = Description
import-field-unit = Unité
import-field-unit_price = Prix unitaire HT
import-field-vat_rate = Taux de TVA
import-field-category = Catégorie
transfer-title = Import, export et sauvegarde
transfer-export = Exporter vers un tableur
transfer-export-note = Les exports contiennent toutes les fiches : la liste des comptes n’a pas encore de filtre. Fichiers UTF-8 qu’Excel et LibreOffice ouvrent avec leurs accents.
transfer-separator = Séparateur
transfer-separator-semicolon = ; (tableurs en français)
transfer-separator-comma = , (tableurs en anglais)
transfer-export-accounts = Exporter les comptes (CSV)
transfer-export-contacts = Exporter les contacts (CSV)
transfer-export-deals = Exporter les affaires (CSV)
transfer-export-products = Exporter le catalogue (CSV)
transfer-export-vcard = Exporter tous les contacts (vCard)
transfer-exported = { $count ->
    [one] Une fiche exportée.
   *[other] { $count } fiches exportées.
}
transfer-backup-title = Sauvegarde complète
transfer-backup-text = Un fichier de sauvegarde contient toutes les fiches avec tout leur historique. Le restaurer le fusionne avec les données de cet appareil : rien n’est écrasé.
transfer-backup = Télécharger une sauvegarde
transfer-backed-up = { $count ->
    [one] Sauvegarde d’un document téléchargée.
   *[other] Sauvegarde de { $count } documents téléchargée.
}
transfer-restore = Restaurer une sauvegarde
transfer-restoring = Restauration…
transfer-restored = Restauré : { $added } fiches ajoutées, { $merged } fusionnées. Les modifications nouvelles pour cet appareil seront synchronisées.
transfer-working = En cours…
transfer-failed = Rien n’a été modifié : { $reason }
restore-error-not_a_backup = Ce fichier n’est pas une sauvegarde Carnet. Rien n’a été modifié.
restore-error-unsupported_version = Cette sauvegarde a été écrite par une version plus récente de Carnet. Mettez l’application à jour, puis réessayez. Rien n’a été modifié.
restore-error-truncated = Ce fichier de sauvegarde est incomplet (le téléchargement a-t-il été interrompu ?). Rien n’a été modifié.
restore-error-trailing_bytes = Ce fichier de sauvegarde contient des données inattendues à la fin : il est endommagé. Rien n’a été modifié.
restore-error-corrupt_manifest = Ce fichier de sauvegarde est endommagé. Rien n’a été modifié.
restore-error-bad_manifest = Ce fichier de sauvegarde est endommagé. Rien n’a été modifié.
restore-error-inconsistent_manifest = Ce fichier de sauvegarde est endommagé. Rien n’a été modifié.
restore-error-corrupt_document = Une fiche de cette sauvegarde est endommagée. Rien n’a été modifié.
restore-error-too_large = Cette sauvegarde est trop volumineuse. Rien n’a été modifié.
restore-error-other_workspace = Cette sauvegarde appartient à un autre espace de travail. Rien n’a été modifié.
