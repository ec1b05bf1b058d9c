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
    "Conversation en local, sans Telegram : le même bot, abonnements compris. "
    "Tapez une question ou une commande (/aide) ; Ctrl-D pour quitter."
)
TERMINAL_BUTTONS: Final = "Boutons (tapez le numéro) :"
TERMINAL_NOTICE: Final = "🔔 Notification :"
TERMINAL_BYE: Final = "Au revoir !"

# ============================================================ subscriptions
# Issue 5: bot/subscriptions.py (commands and buttons) and bot/delivery.py (notifications).
# Every change a user makes is confirmed in one line.
SUB_UNAVAILABLE: Final = "Les abonnements sont indisponibles pour le moment, réessayez plus tard."
SUB_CHOOSE: Final = "Touchez un axe pour le suivre ou ne plus le suivre (✅ = abonné) :"
SUB_AXES_BUTTONS: Final = "Recevoir les nouveautés d’un axe (✅ = abonné) :"
SUB_BUTTON: Final = "{mark} {n}. {title}"
SUB_MARK_ON: Final = "✅"
SUB_MARK_OFF: Final = "➕"
SUB_INVALID: Final = (
    "Je ne comprends pas « {arg} ». Choix possibles : 1, 2, 3, 4 ou tout "
    "(par exemple /{command} 2). Rien n’a changé."
)
SUB_AXIS: Final = "l’axe {n} « {title} »"
SUB_AXIS_UNTITLED: Final = "l’axe {n}"
SUB_AXES: Final = "les axes {numbers}"
SUB_AND: Final = " et "
SUB_ADDED: Final = "C’est noté : vous suivez {what}."
SUB_ALREADY: Final = "Vous suiviez déjà {what}."
SUB_REMOVED: Final = "C’est noté : vous ne suivez plus {what}."
SUB_NOT_FOLLOWED: Final = "Vous ne suiviez pas {what} : rien n’a changé."
SUB_LIST_NONE: Final = "Vous ne suivez aucun axe. Tapez /abonner pour en choisir."
SUB_LIST_HEAD: Final = "Vous suivez :"
SUB_LIST_LINE: Final = "• {n}. {title}"
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
    "• axes suivis : {axes}\n"
    "• messages : {messages}\n"
    "Vos questions sont enregistrées sans identifiant, pour les statistiques : "
    "elles ne peuvent pas vous être rattachées.\n"
    "Pour tout effacer : /oublier"
)
MYDATA_ACTIVE: Final = "actives"
MYDATA_INACTIVE: Final = "suspendues ({reason})"
MYDATA_NO_AXIS: Final = "aucun"
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
    "Usage : /annonce &lt;1-4|tout&gt; &lt;texte&gt;, par exemple "
    "<code>/annonce 2 Nouvelle étude publiée</code>. Rien n’a été envoyé."
)
ANNOUNCE_QUEUED: Final = "Annonce mise en file d’envoi pour {n} abonné(s) ({target})."
ANNOUNCE_TOO_LONG: Final = (
    "Annonce trop longue pour un message Telegram : {length} caractères, {max} au plus "
    "(Telegram limite un message à 4 096 caractères, en-tête et pied compris). Rien n’a été envoyé."
)
ANNOUNCE_TARGET_ALL: Final = "tous les axes"
ANNOUNCE_AXIS: Final = "axe {n} « {title} »"
ANNOUNCE_AXES: Final = "axes {numbers}"
ANNOUNCE_HEAD: Final = "📣 <b>Annonce</b> – {target}"
ANNOUNCE_FOOT: Final = "Pour ne plus recevoir ces nouvelles : /desabonner {axes}"
STATS: Final = (
    "<b>Statistiques</b>\n"
    "Utilisateurs : {users} ({active} actifs)\n"
    "Abonnés par axe : {axes}\n"
    "File d’envoi : {pending} en attente, {sent} envoyés, {failed} en échec, {dropped} abandonnés\n"
    "Questions sur {days} jours : {answered} répondues, {clarify} à préciser, {unknown} sans réponse"
)
STATS_AXIS: Final = "{n} : {count}"
