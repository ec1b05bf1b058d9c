"""Every sentence the bot says to its users, gathered so they read (and get reviewed) together.

Texts sent to Telegram are HTML (the bot's default parse mode): anything that comes from a
user or a document is escaped where it is inserted, never here.
The engine's own sentences (answers, "je n'ai pas cette information") live in `qa.texts`.
"""

from __future__ import annotations

from typing import Final

# ---------------------------------------------------------------- commands
# (command, description for Telegram's menu, example shown by /aide). None names a document,
# a place, a year or a count: what the bot knows comes from the base (`Engine.can_answer()`,
# `Engine.examples()`, `Engine.topics()`), so the menu stays true when the knowledge grows.
# Subscriptions, personal data and admin commands: bot/subscriptions.py, bot/mydata.py, bot/admin.py.
COMMANDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("start", "Présentation et exemples de questions", "/start"),
    ("aide", "Toutes les commandes, avec un exemple", "/aide"),
    ("axes", "Les sujets auxquels s’abonner", "/axes"),
    ("abonner", "S’abonner aux nouveautés d’un sujet (son numéro, ou tout)", "/abonner 1"),
    ("desabonner", "Se désabonner d’un sujet (son numéro, ou tout)", "/desabonner tout"),
    ("abonnements", "Mes abonnements", "/abonnements"),
    ("sources", "Les documents sur lesquels je m’appuie", "/sources"),
    ("contact", "Qui contacter", "/contact"),
    ("mesdonnees", "Ce que le bot garde à mon sujet", "/mesdonnees"),
    ("oublier", "Effacer toutes mes données", "/oublier"),
)
ADMIN_COMMANDS: Final[tuple[tuple[str, str, str], ...]] = (
    ("annonce", "Envoyer une annonce aux abonnés d’un sujet (son numéro, ou tout)",
     "/annonce 1 Nouvelle étude publiée"),
    ("stats", "Statistiques d’utilisation", "/stats"),
)
HELP_ALIAS: Final = "help"  # /help answers like /aide, without a menu entry

# Telegram's profile texts: at most 512 and 120 characters. `{topics}` is what the base can
# answer (`Engine.can_answer()`), cut to fit; `{example}` a question it answers.
DESCRIPTION: Final = (
    "Je réponds à vos questions sur le logement social en citant mot pour mot mes sources. "
    "{topics} Exemple : « {example} »"
)
DESCRIPTION_PLAIN: Final = (
    "Je réponds à vos questions sur le logement social en citant mot pour mot mes sources. "
    "Exemple : « {example} »"
)
SHORT_DESCRIPTION: Final = "Questions sur le logement social, réponses sourcées mot pour mot."

# --------------------------------------------------------------- dialogue
START: Final = (
    "Bonjour ! Je réponds aux questions sur le <b>logement social</b>, en citant mes sources "
    "mot pour mot. Si je ne sais pas, je vous le dis."
)
START_TOPICS: Final = "{topics}"  # `Engine.can_answer()`, escaped
START_TRY: Final = "Posez votre question en quelques mots, ou essayez un exemple :"
START_SUBSCRIBE: Final = "Pour être prévenu des nouveautés : /axes ({count} sujets) puis /abonner."
START_SUBSCRIBE_ONE: Final = "Pour être prévenu des nouveautés : /axes puis /abonner."
HELP_HEAD: Final = "Posez simplement votre question, par exemple « {example} ». Commandes :"
HELP_EXAMPLE: Final = " (ex. <code>{example}</code>)"
HELP_ADMIN_HEAD: Final = "Administration :"
HELP_GROUPS: Final = (
    "Dans un groupe, mentionnez-moi ({mention}) ou répondez à l’un de mes messages. "
    "Dans n’importe quelle conversation, tapez {mention} suivi de votre question."
)
# /axes: each list of the base under its own sentence, each item once, numbered as /abonner takes it.
TOPICS_HEAD: Final = "Sujets auxquels vous pouvez vous abonner (/abonner suivi du numéro) :"
TOPICS_NONE: Final = "Il n’y a pas encore de sujet auquel s’abonner."
TOPICS_GROUP: Final = "<b>{heading}</b>"
TOPICS_SOURCE: Final = "<i>Source : « {title} »</i>"
TOPIC_LINE: Final = "{n}. {text}"
TOPIC_LINE_TITLED: Final = "{n}. <b>{title}</b> : {text}"
TOPIC_LABEL: Final = "{noun} {n} « {title} »"
TOPIC_LABEL_UNNAMED: Final = "« {title} »"
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
    "Conversation en local, sans Telegram : le même bot, abonnements compris. "
    "Tapez une question ou une commande (/aide) ; Ctrl-D pour quitter."
)
TERMINAL_BUTTONS: Final = "Boutons (tapez le numéro) :"
TERMINAL_NOTICE: Final = "🔔 Notification :"
TERMINAL_BYE: Final = "Au revoir !"

# ============================================================ subscriptions
# Issue 5: bot/subscriptions.py (commands and buttons) and bot/delivery.py (notifications).
# Every change a user makes is confirmed in one line. Topics are named by their label
# ("axe 2 « … »", from the base) after a colon: the bot does not know the noun's gender.
SUB_UNAVAILABLE: Final = "Les abonnements sont indisponibles pour le moment, réessayez plus tard."
SUB_NO_TOPIC: Final = "Il n’y a pas encore de sujet auquel s’abonner : rien n’a changé."
SUB_CHOOSE: Final = "Touchez un sujet pour le suivre ou ne plus le suivre (✅ = abonné) :"
SUB_TOPICS_BUTTONS: Final = "Recevoir les nouveautés d’un sujet (✅ = abonné) :"
SUB_BUTTON: Final = "{mark} {n}. {title}"
SUB_MARK_ON: Final = "✅"
SUB_MARK_OFF: Final = "➕"
SUB_INVALID: Final = (
    "Je ne comprends pas « {arg} ». Choix possibles : {choices} ou tout "
    "(par exemple /{command} 1). Rien n’a changé."
)
SUB_CHOICE_ONE: Final = "1"
SUB_CHOICES: Final = "un numéro de 1 à {count}"
SUB_NUMBERS: Final = "{count} sujets ({numbers})"
SUB_AND: Final = " et "
SUB_ADDED: Final = "C’est noté, vous suivez : {what}."
SUB_ALREADY: Final = "Vous suiviez déjà : {what}."
SUB_REMOVED: Final = "C’est noté, vous ne suivez plus : {what}."
SUB_NOT_FOLLOWED: Final = "Vous ne suiviez pas : {what}. Rien n’a changé."
SUB_LIST_NONE: Final = "Vous ne suivez aucun sujet. Tapez /abonner pour en choisir."
SUB_LIST_HEAD: Final = "Vous suivez :"
SUB_LIST_LINE: Final = "• {label} (n° {n})"
SUB_LIST_GONE: Final = "• {key} (ce sujet n’existe plus dans mes documents)"
SUB_LIST_FOOT: Final = "Pour arrêter : /desabonner suivi du numéro, ou /desabonner tout."

# ---------------------------------------------------- personal data (/mesdonnees)
MYDATA_NONE: Final = (
    "Je ne garde rien qui vous concerne : ni abonnement, ni notification.\n"
    "Vos questions sont enregistrées sans identifiant, pour les statistiques : "
    "elles ne peuvent pas vous être rattachées."
)
MYDATA: Final = (
    "Ce que je garde à votre sujet :\n"
    "• identifiant de la conversation : {chat_id}\n"
    "• premier abonnement : {first_seen} ; dernière modification : {last_seen}\n"
    "• notifications : {status}\n"
    "• sujets suivis : {topics}\n"
    "• messages : {messages}\n"
    "Vos questions sont enregistrées sans identifiant, pour les statistiques : "
    "elles ne peuvent pas vous être rattachées.\n"
    "Pour tout effacer : /oublier"
)
MYDATA_ACTIVE: Final = "actives"
MYDATA_INACTIVE: Final = "suspendues ({reason})"
MYDATA_NO_TOPIC: Final = "aucun"
MYDATA_NO_MESSAGE: Final = "aucun"
MYDATA_STATUS: Final = {"sent": "{n} envoyé(s)", "pending": "{n} en attente", "failed": "{n} en échec",
                        "dropped": "{n} abandonné(s)"}  # fmt: skip
MYDATA_LAST_SENT: Final = ", le dernier le {date}"
DATE: Final = "%d/%m/%Y à %H:%M UTC"
FORGET_CONFIRM: Final = (
    "Effacer tout ce que je garde à votre sujet (abonnements, notifications en attente) ? "
    "C’est définitif."
)
FORGET_YES: Final = "Oui, tout effacer"
FORGET_NO: Final = "Non, garder"
FORGET_DONE: Final = "C’est fait : j’ai effacé toutes vos données."
FORGET_NOTHING: Final = "Il n’y avait rien à effacer : je ne garde rien qui vous concerne."
FORGET_KEPT: Final = "D’accord, je ne change rien."
FORGET_CONFIRM_GROUP: Final = (
    "Effacer les données de ce groupe (ses abonnements, ses notifications en attente) ? "
    "C’est définitif."
)
FORGET_DONE_GROUP: Final = "C’est fait : j’ai effacé les données de ce groupe."
FORGET_NOTHING_GROUP: Final = "Il n’y avait rien à effacer : je ne garde rien sur ce groupe."
GROUP_ADMINS_ONLY: Final = (
    "Dans un groupe, seuls ses administrateurs peuvent changer ses abonnements "
    "ou effacer les données de ce groupe."
)

# ------------------------------------------------------------- admin commands
ADMIN_ONLY: Final = "Cette commande est réservée aux administrateurs du bot."
ANNOUNCE_USAGE: Final = (
    "Usage : /annonce &lt;numéro|tout&gt; &lt;texte&gt;, par exemple "
    "<code>/annonce 1 Nouvelle étude publiée</code> (les numéros : /axes). Rien n’a été envoyé."
)
ANNOUNCE_QUEUED: Final = "Annonce mise en file d’envoi pour {n} abonné(s) ({target})."
ANNOUNCE_TOO_LONG: Final = (
    "Annonce trop longue pour un message Telegram : {length} caractères, {max} au plus "
    "(Telegram limite un message à 4 096 caractères, en-tête et pied compris). Rien n’a été envoyé."
)
ANNOUNCE_TARGET_ALL: Final = "tous les sujets"
ANNOUNCE_HEAD: Final = "📣 <b>Annonce</b> – {target}"
ANNOUNCE_FOOT: Final = "Pour ne plus recevoir ces nouvelles : /desabonner {numbers}"
STATS: Final = (
    "<b>Statistiques</b>\n"
    "Utilisateurs : {users} ({active} actifs)\n"
    "Abonnés par sujet : {topics}\n"
    "File d’envoi : {pending} en attente, {sent} envoyés, {failed} en échec, {dropped} abandonnés\n"
    "Questions sur {days} jours : {answered} répondues, {clarify} à préciser, {unknown} sans réponse"
)
STATS_TOPIC: Final = "{n} : {count}"
STATS_GONE: Final = "sujets retirés : {count}"
STATS_NONE: Final = "aucun sujet"
