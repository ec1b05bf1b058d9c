"""The engine's French sentences, gathered so they read (and get reviewed) together.

None names a document, a place, a person or a count: what the bot can answer about is
generated from the base (each document's `topics` line), see `Replies.can_answer`.
"""

from __future__ import annotations

EMPTY = "Posez-moi une question sur le logement social, par exemple : « {example} »"
GREETING = "Bonjour ! Je réponds aux questions sur le logement social, sources à l’appui."
ABOUT = (
    "Je suis un assistant qui répond en français aux questions sur le logement social, "
    "en citant la phrase et le document d’où vient chaque chiffre."
)
CAN_ANSWER = "Je peux vous répondre sur {topics}."
THANKS = "Avec plaisir ! N’hésitez pas si vous avez une autre question."
BYE = "Au revoir, et à bientôt !"
ENGLISH = "Je réponds en français uniquement : posez votre question en français, par exemple « {example} »."
NEGATION = (
    "Je ne sais répondre qu’aux questions posées à l’affirmative (« qui sont les partenaires ? », "
    "« combien de logements ? ») : mes documents ne listent pas ce qui n’est pas."
)
ENGLISH_PREFIX = "(Je réponds en français.)"

UNKNOWN = "Je n’ai pas cette information dans mes documents."
UNKNOWN_WORDS = "Je n’ai pas d’information sur « {words} » dans mes documents."
UNKNOWN_COUNTED = "Je n’ai pas de chiffre sur le nombre de « {what} » dans mes documents."
UNKNOWN_YEAR = "Je n’ai pas ce chiffre pour {years} ; je l’ai pour {known}."
UNKNOWN_YEAR_THIS = "Je n’ai pas ce chiffre pour {years} dans mes documents."
UNKNOWN_YEAR_NONE = "Je n’ai pas de chiffre pour {years} dans mes documents ; ils donnent des chiffres pour {known}."
UNKNOWN_RELATIVE = (
    "Je ne sais pas à quelle année correspond cette date : précisez l’année. "
    "Mes documents donnent des chiffres pour {known}."
)
UNKNOWN_PLACE_NONE = "Je n’ai pas de chiffres pour {place} dans mes documents."
UNKNOWN_PLACE_ONLY = "Je n’ai pas ce chiffre pour {place} ; je l’ai pour {other}."
UNKNOWN_PLACE_TOPIC = "Je n’ai pas d’information sur ce sujet pour {place}."
UNKNOWN_ROLE = "Je ne trouve pas de « {role} »{of} dans mes documents."
UNKNOWN_SUBJECT = "Je n’ai pas ce chiffre pour {subject} ; celui que j’ai concerne {other}."
UNKNOWN_ABOUT = "Je ne trouve pas cette information pour {subject} dans mes documents."
UNKNOWN_CONTACT = "Je n’ai pas de contact pour {subject} dans mes documents."
UNKNOWN_CHANNEL = "Mes documents ne donnent pas {channel} ; voici ce qu’ils donnent :"
UNKNOWN_ITEM = "{title} : la liste compte {count} {noun}, il n’y en a pas de numéro {n}."
UNKNOWN_TARGET = "Je n’ai pas ce chiffre ; mes documents donnent seulement un objectif :"
UNKNOWN_UNSETTLED = "Mes documents ne permettent pas de répondre par oui ou par non. Voici ce qu’ils disent :"

CHANNEL_NAMES = {
    "email": "d’adresse e-mail", "phone": "de numéro de téléphone", "web": "de site internet",
    "address": "d’adresse postale",
}

CLARIFY = "Plusieurs réponses sont possibles. Vouliez-vous dire :"
CLARIFY_ONE = "Je ne suis pas sûr d’avoir compris. Vouliez-vous dire :"
CLARIFY_NAME = "Plusieurs personnes portent le nom « {name} ». Vouliez-vous dire :"
CLARIFY_HINT = "Répondez par le numéro, ou précisez votre question."

VERDICTS = {"oui": "Oui.", "non": "Non.", "neither": "Ni l’un ni l’autre."}
MISSING_SCOPE = "Je n’ai pas ce chiffre {scope}."
ONLY_YEARS = "Pour {place}, je n’ai ce chiffre que pour {years} :"
CONTACT_FOR = "Contact indiqué dans « {title} » :"
PART_UNKNOWN = "« {part} » : {reply}"
