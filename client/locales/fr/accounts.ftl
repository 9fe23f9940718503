# La liste des comptes et la fiche d'un compte.
accounts-title = Comptes
accounts-opening = Ouverture de vos comptes…
accounts-empty-title = Aucun compte pour l'instant
accounts-empty-text = Ajoutez votre premier client ci-dessus. Il est gardé sur cet appareil, même hors ligne.
account-new = Nouveau compte
account-name = Raison sociale
account-city = Ville
account-add = Ajouter le compte
account-back = ← Comptes
account-opening = Ouverture…
account-missing = Ce compte n'est pas (encore) sur cet appareil. Il apparaîtra quand la synchronisation l'apportera.
account-notes = Notes
account-visits = Visites
account-add-visit = Ajouter une visite
account-visit-report = Compte rendu de visite · { $when }
account-name-conflict = Deux noms ont été saisis en même temps sur deux appareils. Gardez-en un :
account-name-conflict-label = Deux noms saisis en même temps
