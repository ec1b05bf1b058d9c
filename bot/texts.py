"""Every sentence the bot says to its users, gathered so they read (and get reviewed) together.

Texts sent to Telegram are HTML (the bot's default parse mode): anything that comes from a
user or a document is escaped where it is inserted, never here.
The engine's own sentences (answers, "je n'ai pas cette information") live in `qa.texts`.
"""

from __future__ import annotations

from typing import Final

# ---------------------------------------------------------------- commands
# (command, description for Telegram's menu, example shown by /aide).
# The subscription and personal-data commands are handled by bot/subscriptions.py.
COMMANDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("start", "Présentation et exemples de questions", "/start"),
    ("aide", "Toutes les commandes, avec un exemple", "/aide"),
    ("axes", "Les quatre axes de la plateforme d’ambition", "/axes"),
    ("abonner", "S’abonner aux nouveautés d’un axe (1 à 4, ou tout)", "/abonner 2"),
    ("desabonner", "Se désabonner d’un axe (1 à 4, ou tout)", "/desabonner tout"),
    ("abonnements", "Mes abonnements", "/abonnements"),
    ("sources", "Les documents sur lesquels je m’appuie", "/sources"),
    ("contact", "Qui contacter", "/contact"),
    ("mesdonnees", "Ce que le bot garde à mon sujet", "/mesdonnees"),
    ("oublier", "Effacer toutes mes données", "/oublier"),
)
ADMIN_COMMANDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("annonce", "Envoyer une annonce aux abonnés d’un axe", "/annonce 2 Nouvelle étude publiée"),
    ("stats", "Statistiques d’utilisation", "/stats"),
)
HELP_ALIAS: Final = "help"  # /help answers like /aide, without a menu entry

DESCRIPTION: Final = (
    "Je réponds à vos questions sur le logement social en Hauts-de-France, "
    "en citant mot pour mot mes sources : chiffres 2021 d’Action Logement, personnes et "
    "fonctions, partenaires, plateforme d’ambition de l’UNAFO. "
    "Exemple : « combien de logements réhabilités en 2021 ? »"
)
SHORT_DESCRIPTION: Final = "Questions sur le logement social en Hauts-de-France, réponses sourcées."

# --------------------------------------------------------------- dialogue
EXAMPLES: Final = (
    "combien de logements réhabilités en 2021 ?",
    "qui est la présidente de Clésence ?",
    "quels sont les axes de la plateforme d’ambition ?",
)
START: Final = (
    "Bonjour ! Je réponds aux questions sur le <b>logement social en Hauts-de-France</b>, "
    "en citant mes sources mot pour mot. Si je ne sais pas, je vous le dis.\n\n"
    "Posez votre question en quelques mots, ou essayez un exemple :"
)
HELP_HEAD: Final = "Posez simplement votre question, par exemple « {example} ». Commandes :"
HELP_EXAMPLE: Final = " (ex. <code>{example}</code>)"
HELP_ADMIN_HEAD: Final = "Administration :"
HELP_GROUPS: Final = (
    "Dans un groupe, mentionnez-moi ({mention}) ou répondez à l’un de mes messages. "
    "Dans n’importe quelle conversation, tapez {mention} suivi de votre question."
)
AXES_HEAD: Final = "Les quatre axes de la plateforme d’ambition :"
AXIS_LINE: Final = "{n}. {title} : {text}"
SOURCES_HEAD: Final = "Mes réponses viennent de ces documents :"
SOURCE_LINE: Final = "• « {title} »"
SOURCE_PUBLISHER: Final = ", {publisher}"
SOURCE_DATE: Final = ", {date}"
SOURCE_ORIGIN: Final = "\n  {origin}"
SOURCE_TITLE_OURS: Final = " (titre donné par nous)"
CONTACT_HEAD: Final = "Contact :"
CONTACT_LINE: Final = "• {answer}\n  source : « {title} »"
NO_CONTACT: Final = "Je n’ai pas de contact dans mes documents."
SUGGESTIONS_HEAD: Final = "Pour continuer :"

# -------------------------------------------------------------- bad input
TEXT_ONLY: Final = "Désolé, je ne lis que les messages texte : écrivez-moi votre question."
UNKNOWN_COMMAND: Final = "Je ne connais pas cette commande. Tapez /aide pour voir la liste."
BUTTON_EXPIRED: Final = "Ce bouton n’est plus valable : reposez votre question."
TOO_LONG: Final = "Ma réponse était trop longue pour un message ; voici son début :"
ERROR: Final = "Désolé, une erreur s’est produite de mon côté. Réessayez dans un instant."

# ----------------------------------------------------------------- inline
INLINE_EXAMPLE: Final = "Exemple : {question}"
INLINE_NO_ANSWER: Final = "Pas de réponse sourcée"

# --------------------------------------------------------------- terminal
TERMINAL_WELCOME: Final = (
    "Conversation en local (aucun TELEGRAM_BOT_TOKEN défini). "
    "Tapez une question ou une commande (/aide) ; Ctrl-D pour quitter."
)
TERMINAL_BUTTONS: Final = "Boutons (tapez le numéro) :"
TERMINAL_TELEGRAM_ONLY: Final = "Cette commande n’est disponible que sur Telegram."
TERMINAL_BYE: Final = "Au revoir !"
