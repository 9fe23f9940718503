# The manager's dashboard.
nav-dashboard = Dashboard
dashboard-title = Dashboard
dashboard-print = Print
dashboard-loading = Computing the figures…
problem-dashboard-figures = The figures could not be computed from the records on this device.
dashboard-quarter = Q{ $quarter } { $year }
dashboard-week = week { $week }
dashboard-someone = Someone
dashboard-team = Team { $team }
dashboard-unknown = Unknown
dashboard-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}

dashboard-forecast = Forecast for { $quarter }
dashboard-forecast-won = Won
dashboard-forecast-weighted = Open pipeline, weighted
dashboard-forecast-total = Forecast
dashboard-revenue-year = Revenue this year
dashboard-forecast-undated = { $count ->
    [one] One open deal has no expected close date and is in no forecast.
   *[other] { $count } open deals have no expected close date and are in no forecast.
}

dashboard-pipeline = Open pipeline by stage
dashboard-open-deals = { $count ->
    [one] One open deal.
   *[other] { $count } open deals.
}
dashboard-pipeline-in = Pipeline in { $currency }: raw and weighted by probability
dashboard-pipeline-by-rep-in = Pipeline per rep in { $currency }: raw and weighted
dashboard-pipeline-by-team-in = Pipeline per team in { $currency }: raw and weighted (a person in two teams counts in both)
dashboard-team-header = Team
dashboard-stage = Stage
dashboard-stage-deals = { $stage } ({ $count })
dashboard-raw = Raw
dashboard-weighted = Weighted

dashboard-outcomes = Deals won and lost
dashboard-outcomes-chart = Deals won and lost per month
dashboard-outcomes-dated = A won or lost deal counts in the month of its expected close date.
dashboard-month = Month
dashboard-won = Won
dashboard-lost = Lost

dashboard-revenue-title = Revenue this year (confirmed and delivered orders, before VAT)
dashboard-revenue-none = No order this year yet.
dashboard-revenue = Revenue
dashboard-by-region = Revenue by region
dashboard-region = Region
dashboard-by-industry = Revenue by industry
dashboard-industry = Industry
dashboard-by-departement = Revenue by département
dashboard-departement = Département

dashboard-conversion = Quotes to orders this year
dashboard-offers-sent = Quotes sent
dashboard-offers-converted = Became orders
dashboard-conversion-rate = Conversion
dashboard-median-delay = Median delay
dashboard-quoted = Quoted
dashboard-ordered = Ordered

dashboard-activity = Activity per rep per week
dashboard-activity-chart = Visits, calls and meetings over the last four weeks
dashboard-activity-none = No visit, call or meeting in the last four weeks.
dashboard-rep-week = Rep and week
dashboard-visits = Visits
dashboard-calls = Calls
dashboard-meetings = Meetings

dashboard-rankings = Rankings this year
dashboard-top-customers = Top customers
dashboard-customer = Customer
dashboard-top-reps = Top reps
dashboard-rep = Rep
dashboard-top-products = Top products
dashboard-product = Product

dashboard-objectives = Objectives
dashboard-objectives-none = No objective yet.
dashboard-objectives-by-managers = Objectives are set by a manager or an administrator.
dashboard-my-objectives = My objectives
dashboard-metric-revenue = Revenue
dashboard-metric-visits = Visits
dashboard-metric-new-customers = New customers
dashboard-metric-quotes-sent = Quotes sent
dashboard-objective-progress = { $achieved } of { $target }
dashboard-objective-pace = on pace: { $expected }
dashboard-on-track = On track
dashboard-behind = Behind
dashboard-objective-remove = Remove
dashboard-objective-who = For
dashboard-objective-metric = Counts
dashboard-objective-period = Period
dashboard-objective-target = Target (revenue in { $currency })
dashboard-objective-set = Set the objective
dashboard-objective-target-invalid = Type a target above zero: an amount for revenue, a whole number otherwise.
dashboard-objective-assignee-missing = Choose a rep or a team.

dashboard-win-back = Customers to win back
dashboard-lost-this-year = { $count ->
    [one] One customer lost this year.
   *[other] { $count } customers lost this year.
}
dashboard-win-back-none = No customer is silent for longer than usual.
dashboard-win-back-more = …and { $count } more, less overdue.
dashboard-silent = silent for { $days } days (usually at most { $usual }), last order { $date }

dashboard-segments = Segments
dashboard-segments-here = Saved filters shared with the team. Each counts the accounts on this device: a rep sees their part.
dashboard-segments-none = No segment yet.
dashboard-segments-by-managers = Segments are saved by a manager or an administrator.
dashboard-segment-count = { $count ->
    [one] One account
   *[other] { $count } accounts
}
dashboard-segment-by = by { $name }
dashboard-segment-open = Open
dashboard-segment-close = Close
dashboard-segment-call-list = Call list (CSV)
dashboard-segment-remove = Remove
dashboard-segment-new = New segment
dashboard-segment-name = Name
dashboard-segment-industries = Industries (separated by commas)
dashboard-segment-industries-example = Bakery, Pastry shop
dashboard-segment-departements = Départements (separated by commas)
dashboard-segment-stages = Stage set on the account
dashboard-segment-suggested = Stage suggested by orders
dashboard-segment-owners = Owner
dashboard-segment-no-visit = No visit for more than (days)
dashboard-segment-no-order = No order for more than (days)
dashboard-segment-save = Save the segment
dashboard-segment-name-missing = Give the segment a name.
dashboard-segment-departement-invalid = Type départements as their codes: 69, 01, 2A, 974.
dashboard-segment-days-invalid = Type a whole number of days.
dashboard-segment-filter-all = Every account
dashboard-segment-filter-industry = Industry: { $values }
dashboard-segment-filter-departements = Départements: { $values }
dashboard-segment-filter-stage = Stage: { $values }
dashboard-segment-filter-suggested = Suggested stage: { $values }
dashboard-segment-filter-owner = Owner: { $values }
dashboard-segment-filter-no-visit = No visit for more than { $days } days
dashboard-segment-filter-no-order = No order for more than { $days } days
problem-segment-figures = The segments could not be computed from the records on this device.
problem-segment-missing = This segment no longer exists.
problem-segment-invalid = This segment cannot be saved: its name is too long or it has too many filters.

region-auvergne-rhone-alpes = Auvergne-Rhône-Alpes
region-bourgogne-franche-comte = Bourgogne-Franche-Comté
region-bretagne = Brittany
region-centre-val-de-loire = Centre-Val de Loire
region-corse = Corsica
region-grand-est = Grand Est
region-hauts-de-france = Hauts-de-France
region-ile-de-france = Île-de-France
region-normandie = Normandy
region-nouvelle-aquitaine = Nouvelle-Aquitaine
region-occitanie = Occitanie
region-pays-de-la-loire = Pays de la Loire
region-provence-alpes-cote-d-azur = Provence-Alpes-Côte d’Azur
region-guadeloupe = Guadeloupe
region-martinique = Martinique
region-guyane = French Guiana
region-la-reunion = Réunion
region-mayotte = Mayotte

dashboard-suggested = Customers by suggested stage
dashboard-suggested-chart = Accounts by the lifecycle stage their orders suggest
dashboard-suggested-stage = Suggested stage
dashboard-accounts = Accounts
dashboard-suggested-rule = Suggested from each account's orders by the thresholds in Settings, Customer lifecycle; the stage set by hand stays as it is.
dashboard-suggested-accounts = { $stage }: { $count ->
    [one] one account
   *[other] { $count } accounts
}
dashboard-suggested-hand-set = set by hand: { $stage }
dashboard-suggested-more = …and { $count } more.
dashboard-suggested-close = Close the list
