# Les mots de gonogo en français. Chaque identifiant de en.ftl existe ici avec les mêmes
# variables (un test le vérifie). Les sorties pour machines (JSON, dotenv, SARIF) n'en passent pas.

## Décision et décomptes

decision-go = GO
decision-go-with-warnings = GO (avec avertissements)
decision-no-go = NO-GO
decision-inconclusive = NON CONCLUANT
decision-offline = HORS LIGNE
count-failed = { $n } en échec
count-warned = { $n } en avertissement
count-inconclusive = { $n } { $n ->
    [one] non concluante
   *[other] non concluantes
}
count-waived = { $n } sous dérogation
count-waived-items = { $i } { $i ->
    [one] élément
   *[other] éléments
} sous dérogation
count-waived-plus-items = { $n } sous dérogation (+{ $i } { $i ->
    [one] élément
   *[other] éléments
})
count-passed = { $n } { $n ->
    [one] réussie
   *[other] réussies
}
count-info = { $n } pour information
count-offline = { $n } { $n ->
    [one] non évaluée
   *[other] non évaluées
} hors ligne
stage-name = étape { $number } { $id }
rules-n = { $n } { $n ->
    [one] règle
   *[other] règles
}

## Pourquoi une preuve manque (MissingReason)

reason-not-configured = non configurée
reason-not-found = introuvable
reason-unreadable = illisible
reason-unreachable = injoignable
reason-parse-error = format invalide
reason-stale = trop ancienne
reason-empty = vide
reason-wrong-kind = de mauvaise nature
reason-timeout = délai dépassé
reason-offline = hors ligne

## Résultats et messages

outcome-pass = réussie
outcome-warn = avertissement
outcome-fail = échec
outcome-info = information
outcome-waived = sous dérogation
outcome-not-evaluated-offline = non évaluée hors ligne
outcome-inconclusive-reason = non concluante ({ $reason })
outcome-inconclusive-blocking = non concluante ({ $reason }, bloquante)
message-not-met = non atteint :{" "}
message-short = atteint, mais en deçà de la cible :{" "}
message-cannot-judge = impossible de juger{" "}
message-waived-until = dérogation jusqu'au { $date } : { $reason }
criterion-ok = ok
criterion-short = en deçà
criterion-not-met = non atteint
criterion-preferred = (souhaité)
criterion-measured = mesuré

## Dérogations

waiver-scope-every-item = (motif `{ $pattern }` : tous les éléments)
waiver-scope-match = (motif `{ $pattern }`)
waiver-scope-rule = (toute la règle)
waiver-uses-until = { $uses } { $uses ->
    [one] utilisation
   *[other] utilisations
}, jusqu'au { $expires } ({ $days ->
    [one] { $days } jour restant
   *[other] { $days } jours restants
})

## Le rapport console

section-failed = EN ÉCHEC
section-inconclusive = NON CONCLUANTES
section-warned = AVERTISSEMENTS
section-info = POUR INFORMATION
section-waived = SOUS DÉROGATION
section-passed = RÉUSSIES
section-offline = NON ÉVALUÉES HORS LIGNE
section-waivers-applied = DÉROGATIONS APPLIQUÉES
section-notices = REMARQUES
human-override = surcharge :
human-evidence = preuve :
human-source = référence :
human-own-threshold = seuil : valeur par défaut de gonogo, pas celle de la source
human-note = note :
human-more-items = … et { $n } de plus (voir le verdict JSON)
human-items-waived = { $n } élément(s) sous dérogation
human-next-title = POUR ATTEINDRE L'ÉTAPE { $number } { $id }
human-next-preview = (aperçu, sans effet sur ce verdict)
human-next-nothing = rien de plus : les preuves satisfont déjà les règles de l'étape { $number }
human-verbose-hint = Les règles de même cause sont regroupées : -v affiche chaque règle en détail.

## Causes communes à plusieurs règles, et que faire

cause-not-configured = la source `{ $source }` n'est pas configurée dans gonogo.yaml
cause-file-missing = { $path } n'existe pas
cause-paths-missing = aucun fichier ne correspond à { $paths }
cause-endpoint = source `{ $source }` { $reason } : { $detail }
action-add-report-source = ajoutez `sources: {"{"}{ $source }: {"{"}path: …{"}}"}` à gonogo.yaml, avec le rapport qu'écrit votre outil
action-add-endpoint-source = ajoutez `sources: {"{"}{ $source }: {"{"}kind: …, url: …{"}}"}` à gonogo.yaml (ou lancez `gonogo check --offline` tant que le service n'existe pas)
action-create-file = créez { $path } (`gonogo explain` indique les champs que lisent les règles)
action-create-paths = ajoutez ces fichiers, ou indiquez où ils sont dans `vars:` de gonogo.yaml (`gonogo explain` liste les chemins de chaque règle)
action-reach-endpoint = vérifiez `sources.{ $source }.url`, le réseau et le jeton nommé dans `auth`
action-refresh = réécrivez le rapport avant gonogo, ou augmentez `sources.{ $source }.max_age`
action-check-format = vérifiez le format du fichier : `gonogo inspect FICHIER` montre ce que gonogo en lit
action-empty = vérifiez que l'outil a bien écrit ses résultats (le rapport ne contient rien pour ces règles)
action-produce-report = produisez le rapport avant gonogo, ou corrigez `sources.{ $source }.path`
action-explain = `gonogo explain` montre ce que lisent ces règles, et où

## Le résumé Markdown

md-override = Surcharge :
md-waivers-applied = Dérogations appliquées
md-all-met = Toutes les règles bloquantes de cette étape sont satisfaites.
md-col-rule = Règle
md-col-outcome = Résultat
md-col-measured = Mesuré
md-col-expected = Attendu
md-rest-summary = Réussies, sous dérogation et pour information : { $n } { $n ->
    [one] règle
   *[other] règles
}
md-waiver-expiring = dérogation de { $rule } bientôt échue (le { $expires })
md-waiver-unused = dérogation inutilisée de { $rule } (échéance le { $expires })
md-waiver-expired = dérogation échue de { $rule } (le { $expires })
md-notices = Remarques
md-next-summary = Pour atteindre l'étape { $number } { $id } (aperçu, sans effet sur ce verdict) : { $n ->
    [0] rien de plus
   *[other] { $n } règle(s)
}
md-footer = { $tool } · évalué le { $date }
md-met = atteint
md-short = en deçà de la cible
md-not-measured = non mesuré
md-reference = référence :
metrics-title = Valeurs mesurées
junit-more = … et { $n } de plus

## La page HTML

html-path = Où en est le projet
html-stage-done = ✓ atteinte
html-stage-current = ce verdict : { $decision }
html-stage-next = { $met } règle(s) sur { $rules } déjà satisfaite(s)
html-next-hint = Lancez `gonogo check --next` pour voir ce que l'étape suivante demande encore.
html-grid = Règles par étape et par domaine
area-documents = documents
area-quality = tests et qualité
area-security = sécurité
area-kubernetes = Kubernetes
area-delivery = livraison
area-runtime = exploitation
area-other = autres
html-inconclusive = non concluante
html-other = dérogation, information, hors ligne
html-attention = Ce qui demande votre attention
html-no-metrics = Aucune vérification en ligne n'a mesuré de nombre dans ce verdict.
html-metrics-note = Chaque barre est la valeur sur laquelle une règle a été jugée ; le trait pointillé est son seuil. Les règles échantillonnées indiquent combien d'échantillons étaient conformes.
html-expected = attendu
html-evidence = Preuves lues
html-col-need = Preuve
html-col-input = Source
html-col-size = Octets
html-col-read = Lu le
html-col-modified = Modifié le
diag-error = erreur :
cause-rule-count = { $n } { $n ->
    [one] règle
   *[other] règles
} :
action-fix-source = complétez `sources.{ $source }` dans gonogo.yaml ou définissez ce qu'elle nomme (ou lancez `gonogo check --offline` tant que le service n'existe pas)
action-pass-baseline = passez --baseline CHEMIN (le dernier verdict JSON de la branche par défaut) ou renseignez `baseline:` dans gonogo.yaml (docs/baselines.md)
action-pass-diff = passez --diff CHEMIN ou --diff-base RÉF, ou renseignez `diff:` dans gonogo.yaml (docs/patch-coverage.md)

## Erreurs de configuration (gonogo.yaml, fichiers de règles, ligne de commande)

diag-help = aide :
diag-problems = { $n } { $n ->
    [one] problème trouvé
   *[other] problèmes trouvés
}
diag-unknown-key = clé inconnue `{ $name }` dans { $at }
diag-unknown-value = valeur inconnue `{ $name }` dans { $at }
diag-expected-one-of = attendu parmi : { $list }
diag-did-you-mean = vouliez-vous dire `{ $candidate }` ?
diag-top-level = la racine du fichier
config-not-found-hint = `gonogo init` en écrit un, ou passez --config CHEMIN
config-invalid-yaml = YAML invalide : { $message }
config-not-a-mapping = gonogo.yaml doit être un dictionnaire (`stage: ...`, `sources: ...`)
config-version = `version` non prise en charge : ce gonogo lit la version 1
config-sources-mapping = `sources` doit associer des noms à des sources
config-waiver-reason = une dérogation exige une raison (`reason`) non vide
config-waiver-too-long = cette dérogation court { $days } jours à partir d'aujourd'hui ({ $today }) ; une dérogation dure au plus { $max } jours
config-waiver-too-long-help = fixez une échéance (`expires`) plus proche et réexaminez-la alors, ou relevez la limite avec `waivers: {"{"}max_days: N, list: [...]{"}"}`
config-known-kinds = types connus : { $list }
config-unknown-kind = type de source inconnu `{ $kind }`
config-secret-header = `{ $name }` porte un secret et ne doit pas être écrit dans gonogo.yaml
config-secret-header-help = utilisez `auth: {"{"}header: {"{"}name: ..., value_env: MON_JETON{"}}"}` pour que la valeur vienne de l'environnement
config-not-a-url = `{ $url }` n'est pas une URL http(s) (ni une `$VARIABLE` qui en contient une)
config-needs-url = une source `{ $kind }` a besoin de l'`url` de son API
load-rule-file = impossible de lire le fichier de règles { $path } : { $error }
load-pack-override = --pack/GONOGO_PACK `{ $asked }` n'est pas le référentiel que déclare { $file } (`{ $declared }`) : la ligne de commande ne peut pas en choisir un autre ; modifiez `pack:` dans { $file } si le projet change de référentiel
load-unknown-pack = référentiel inconnu `{ $pack }`
load-known-packs = référentiels connus : { $list }
load-waiver-unknown-rule = la dérogation nomme une règle inconnue `{ $rule }`
load-environment-loosened = --environment/GONOGO_ENVIRONMENT nonprod jugerait hors production un projet que { $file } déclare `environment: prod` ; la ligne de commande ne peut que durcir (nonprod → prod)
load-stage-lowered = --stage/GONOGO_STAGE { $asked } précède l'étape que déclare { $file } ({ $declared }) ; la ligne de commande ne peut que relever l'étape. Modifiez `stage:` dans { $file } si le projet revient en arrière
load-no-stage = aucune étape déclarée
load-no-stage-help = ajoutez `stage: <numéro ou nom>` à gonogo.yaml, ou passez --stage
note-no-config-explain = remarque : pas de { $file } ici : voici le référentiel par défaut `{ $pack }` avec ses variables par défaut
note-no-config-rules = remarque : pas de { $file } ici, et il n'en faut pas : voici les référentiels intégrés à gonogo
config-not-found = { $file } introuvable dans ce dossier
html-listed-only = chemins trouvés, non lus
waiver-head = { $rule } { $scope } : { $usage }

## Ce qui a changé depuis la référence

change-baseline = comparé à la référence { $location } (évaluée le { $evaluated })
change-baseline-unusable = référence { $location } non utilisée : { $error }
change-better = mieux
change-worse = moins bien
change-new = nouveau
change-items = { $new } { $new ->
    [one] nouveau
   *[other] nouveaux
}, { $gone } { $gone ->
    [one] disparu
   *[other] disparus
}
change-deltas = depuis la référence :
