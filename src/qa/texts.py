"""The engine's French sentences, gathered so they read (and get reviewed) together."""

from __future__ import annotations

CAN_ANSWER = (
    "Je peux vous répondre sur les chiffres d’Action Logement (Hauts-de-France et Aisne), "
    "les personnes citées et leurs fonctions, les filiales et les partenaires, les quatre axes de la "
    "plateforme d’ambition, la convention régionale, les rencontres de l’UNAFO et le contact."
)
EXAMPLES = (
    "combien de logements réhabilités en 2021 ?",
    "qui est la présidente de Clésence ?",
    "quels sont les axes de la plateforme d’ambition ?",
)

EMPTY = "Posez-moi une question sur le logement social en Hauts-de-France, par exemple : « {example} »"
GREETING = "Bonjour ! Je réponds aux questions sur le logement social en Hauts-de-France, sources à l’appui."
ABOUT = (
    "Je suis un assistant qui répond en français aux questions sur le logement social en "
    "Hauts-de-France, en citant la phrase et le document d’où vient chaque chiffre."
)
THANKS = "Avec plaisir ! N’hésitez pas si vous avez une autre question."
BYE = "Au revoir, et à bientôt !"
ENGLISH = "Je réponds en français uniquement : posez votre question en français, par exemple « {example} »."
NEGATION = (
    "Je ne sais répondre qu’aux questions posées à l’affirmative (« qui sont les partenaires ? », "
    "« combien de logements réhabilités ? ») : mes documents ne listent pas ce qui n’est pas."
)
ENGLISH_PREFIX = "(Je réponds en français.)"

UNKNOWN = "Je n’ai pas cette information dans mes documents."
UNKNOWN_WORDS = "Je n’ai pas d’information sur « {words} » dans mes documents."
UNKNOWN_COUNTED = "Je n’ai pas de chiffre sur le nombre de « {what} » dans mes documents."
UNKNOWN_YEAR = "Je n’ai pas ce chiffre pour {years} : mes documents donnent les chiffres de {known}."
UNKNOWN_YEAR_UNDATED = "Mes documents ne permettent pas de répondre pour {years}."
UNKNOWN_PLACE = (
    "Je n’ai pas de chiffres pour {place} : mes documents portent sur la région Hauts-de-France "
    "et le département de l’Aisne."
)
UNKNOWN_PLACE_ONLY = "Je n’ai pas ce chiffre pour {place} ; je l’ai pour {other}."
UNKNOWN_ROLE = "Je ne trouve pas de « {role} »{of} dans mes documents."
UNKNOWN_SUBJECT = (
    "Je n’ai pas ce chiffre pour {subject} : mes chiffres sont ceux d’Action Logement "
    "pour la région Hauts-de-France et l’Aisne."
)
UNKNOWN_CONTACT = (
    "Je n’ai pas de contact pour {subject} dans mes documents : le seul contact qu’ils donnent "
    "est celui de l’article sur la plateforme d’ambition."
)
UNKNOWN_RELATIVE = (
    "Mes documents ne sont pas datés : je ne peux pas dire à quelle année correspond cette date. "
    "Leurs chiffres portent sur {known} ; précisez l’année."
)
UNKNOWN_ROLE_KNOWN = "Ce que je sais : {known}."

CLARIFY = "Plusieurs réponses sont possibles. Vouliez-vous dire :"
CLARIFY_ONE = "Je ne suis pas sûr d’avoir compris. Vouliez-vous dire :"
CLARIFY_NAME = "Plusieurs personnes portent le nom « {name} ». Vouliez-vous dire :"
CLARIFY_HINT = "Répondez par le numéro, ou précisez votre question."

IN_AISNE = "Dans l’Aisne"
IN_REGION = "En Hauts-de-France"
ASK_AISNE = "Et dans l’Aisne ?"
ASK_REGION = "Et dans toute la région ?"
ONLY_AISNE = "Ce chiffre concerne le seul département de l’Aisne."
