"""The tracking page's own words in en, ru and uk, and the default FAQ per language.

Merchants override the FAQ in shop.settings["branding"]["faq"] (see docs/tracking.md):
either one list of {"q": ..., "a": ...} for every language, or {"uk": [...], "en": [...]}.
"""

from __future__ import annotations

from typing import Any

from .pages import Chrome

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "lookup_title": "Track your order",
        "lookup_lead": "Enter your order number and the email or phone you ordered with.",
        "number": "Order number",
        "contact": "Email or phone",
        "find": "Show my order",
        "lookup_failed": "We could not find an order with these details. Please check the "
        "order number and the email or phone you used when ordering.",
        "too_many": "Too many attempts. Please wait a few minutes and try again.",
        "link_unknown": "This link does not work: it may be incomplete or mistyped. Find "
        "your order with its number instead.",
        "faq": "Questions and answers",
        "promo": "Just for you",
        "promo_code": "Your code",
        "problem": "Report a problem or change delivery details",
        "problem_kind": "What happened?",
        "k_not_received": "My order has not arrived",
        "k_damaged": "Something arrived damaged",
        "k_wrong_item": "I received a wrong item",
        "k_change_address": "Change delivery address or time",
        "k_other": "Something else",
        "k_refund": "A question about my refund",
        "next_title": "What happens next",
        "next_cancelled": "Nothing will be sent. If you have already paid, the shop returns the "
        "money to the card or account you paid with; banks usually show it within {days} "
        "business days.",
        "next_refunded": "The shop has refunded your payment to the card or account you paid "
        "with. Banks usually show it within {days} business days; if it has not appeared by "
        "then, contact the shop.",
        "problem_message": "Tell us more",
        "send": "Send to the shop",
        "problem_sent": "Thank you. The shop has your message and will get back to you.",
        "prefs": "Your notifications",
        "prefs_lead": "Choose how the shop keeps you updated about your orders.",
        "ch_email": "Email",
        "ch_sms": "SMS text messages",
        "ch_whatsapp": "WhatsApp",
        "ch_telegram": "Telegram",
        "ch_viber": "Viber",
        "ch_email_optional": "Progress emails (in transit, out for delivery, delivered)",
        "save": "Save preferences",
        "prefs_saved": "Your preferences are saved.",
        "feedback": "How was your order?",
        "rating": "Your rating",
        "stars": "{n} of 5 stars",
        "comment": "Comment (optional)",
        "rate": "Send feedback",
        "feedback_saved": "Thank you for your feedback!",
        "feedback_invalid": "Please choose from 1 to 5 stars.",
        "problem_invalid": "Please write a few words about the problem.",
        "problem_limited": (
            "We already have your reports about this order: the shop will answer them. Please"
            " try again later."
        ),
        "prefs_confirm": (
            "You are switching off: {channels}. Anyone this link was forwarded to could do "
            "the same, so please confirm."
        ),
        "prefs_confirm_button": "Yes, stop these messages",
    },
    "ru": {
        "lookup_title": "Где мой заказ?",
        "lookup_lead": "Введите номер заказа и email или телефон, указанные при оформлении.",
        "number": "Номер заказа",
        "contact": "Email или телефон",
        "find": "Показать заказ",
        "lookup_failed": "Не удалось найти заказ с такими данными. Проверьте номер заказа и "
        "email или телефон, указанные при оформлении.",
        "too_many": "Слишком много попыток. Подождите несколько минут и попробуйте снова.",
        "link_unknown": "Эта ссылка не работает: возможно, она неполная или с опечаткой. "
        "Найдите заказ по его номеру.",
        "faq": "Вопросы и ответы",
        "promo": "Специально для вас",
        "promo_code": "Ваш код",
        "problem": "Сообщить о проблеме или изменить данные доставки",
        "problem_kind": "Что случилось?",
        "k_not_received": "Заказ не пришёл",
        "k_damaged": "Товар пришёл повреждённым",
        "k_wrong_item": "Пришёл не тот товар",
        "k_change_address": "Изменить адрес или время доставки",
        "k_other": "Другое",
        "k_refund": "Вопрос о возврате денег",
        "next_title": "Что дальше",
        "next_cancelled": "Заказ не будет отправлен. Если вы уже оплатили его, магазин вернёт "
        "деньги на карту или счёт, с которого вы платили; обычно банк зачисляет их в течение "
        "{days} рабочих дней.",
        "next_refunded": "Магазин вернул оплату на карту или счёт, с которого вы платили. "
        "Обычно банк зачисляет деньги в течение {days} рабочих дней; если за это время они "
        "не пришли, свяжитесь с магазином.",
        "problem_message": "Расскажите подробнее",
        "send": "Отправить в магазин",
        "problem_sent": "Спасибо. Магазин получил ваше сообщение и свяжется с вами.",
        "prefs": "Ваши уведомления",
        "prefs_lead": "Выберите, как магазин будет сообщать вам о заказах.",
        "ch_email": "Email",
        "ch_sms": "SMS-сообщения",
        "ch_whatsapp": "WhatsApp",
        "ch_telegram": "Telegram",
        "ch_viber": "Viber",
        "ch_email_optional": "Письма о ходе доставки (в пути, у курьера, доставлен)",
        "save": "Сохранить",
        "prefs_saved": "Настройки сохранены.",
        "feedback": "Как вам заказ?",
        "rating": "Ваша оценка",
        "stars": "{n} из 5 звёзд",
        "comment": "Комментарий (необязательно)",
        "rate": "Отправить отзыв",
        "feedback_saved": "Спасибо за отзыв!",
        "feedback_invalid": "Выберите от 1 до 5 звёзд.",
        "problem_invalid": "Опишите, пожалуйста, проблему в нескольких словах.",
        "problem_limited": (
            "Ваши сообщения об этом заказе уже получены, магазин на них ответит. Попробуйте позже."
        ),
        "prefs_confirm": (
            "Вы отключаете: {channels}. Это мог бы сделать любой, кому переслали эту ссылку, "
            "поэтому подтвердите, пожалуйста."
        ),
        "prefs_confirm_button": "Да, отключить эти сообщения",
    },
    "uk": {
        "lookup_title": "Де моє замовлення?",
        "lookup_lead": "Введіть номер замовлення та email або телефон, вказані під час оформлення.",
        "number": "Номер замовлення",
        "contact": "Email або телефон",
        "find": "Показати замовлення",
        "lookup_failed": "Не вдалося знайти замовлення з такими даними. Перевірте номер "
        "замовлення та email або телефон, вказані під час оформлення.",
        "too_many": "Забагато спроб. Зачекайте кілька хвилин і спробуйте знову.",
        "link_unknown": "Це посилання не працює: можливо, воно неповне або з помилкою. "
        "Знайдіть замовлення за його номером.",
        "faq": "Питання та відповіді",
        "promo": "Спеціально для вас",
        "promo_code": "Ваш код",
        "problem": "Повідомити про проблему або змінити дані доставки",
        "problem_kind": "Що сталося?",
        "k_not_received": "Замовлення не прийшло",
        "k_damaged": "Товар прийшов пошкодженим",
        "k_wrong_item": "Прийшов не той товар",
        "k_change_address": "Змінити адресу або час доставки",
        "k_other": "Інше",
        "k_refund": "Питання щодо повернення грошей",
        "next_title": "Що далі",
        "next_cancelled": "Замовлення не буде відправлено. Якщо ви вже його оплатили, магазин "
        "поверне гроші на картку або рахунок, з якого ви платили; зазвичай банк зараховує їх "
        "протягом {days} робочих днів.",
        "next_refunded": "Магазин повернув оплату на картку або рахунок, з якого ви платили. "
        "Зазвичай банк зараховує гроші протягом {days} робочих днів; якщо за цей час вони не "
        "надійшли, зверніться до магазину.",
        "problem_message": "Розкажіть докладніше",
        "send": "Надіслати в магазин",
        "problem_sent": "Дякуємо. Магазин отримав ваше повідомлення і зв'яжеться з вами.",
        "prefs": "Ваші сповіщення",
        "prefs_lead": "Оберіть, як магазин повідомлятиме вас про замовлення.",
        "ch_email": "Email",
        "ch_sms": "SMS-повідомлення",
        "ch_whatsapp": "WhatsApp",
        "ch_telegram": "Telegram",
        "ch_viber": "Viber",
        "ch_email_optional": "Листи про хід доставки (у дорозі, у кур\u2019єра, доставлено)",
        "save": "Зберегти",
        "prefs_saved": "Налаштування збережено.",
        "feedback": "Як вам замовлення?",
        "rating": "Ваша оцінка",
        "stars": "{n} з 5 зірок",
        "comment": "Коментар (необов'язково)",
        "rate": "Надіслати відгук",
        "feedback_saved": "Дякуємо за відгук!",
        "feedback_invalid": "Оберіть від 1 до 5 зірок.",
        "problem_invalid": "Опишіть, будь ласка, проблему кількома словами.",
        "problem_limited": (
            "Ваші повідомлення про це замовлення вже отримано, магазин на них відповість. "
            "Спробуйте пізніше."
        ),
        "prefs_confirm": (
            "Ви вимикаєте: {channels}. Це міг би зробити будь-хто, кому переслали це "
            "посилання, тож підтвердіть, будь ласка."
        ),
        "prefs_confirm_button": "Так, вимкнути ці повідомлення",
    },
}

FAQ: dict[str, list[dict[str, str]]] = {
    "en": [
        {
            "q": "When will my order arrive?",
            "a": "The estimated delivery date is shown above. It is updated when the carrier "
            "reports news, and we message you if it changes.",
        },
        {
            "q": "How do I follow my parcel?",
            "a": "Once it ships you see the carrier and tracking number here, with a link to "
            "the carrier's own tracking page.",
        },
        {
            "q": "Can I change the delivery address?",
            "a": "Use the form \u201cReport a problem or change delivery details\u201d below "
            "as early as possible: once the parcel has shipped, changes depend on the carrier.",
        },
        {
            "q": "What if my parcel is damaged or missing?",
            "a": "Tell us with the form below and we will sort it out with the carrier.",
        },
    ],
    "ru": [
        {
            "q": "Когда придёт мой заказ?",
            "a": "Ожидаемая дата доставки указана выше. Она обновляется по данным перевозчика, "
            "и мы сообщим, если она изменится.",
        },
        {
            "q": "Как отследить посылку?",
            "a": "После отправки здесь появятся перевозчик и номер отслеживания со ссылкой на "
            "сайт перевозчика.",
        },
        {
            "q": "Можно ли изменить адрес доставки?",
            "a": "Воспользуйтесь формой \u00abСообщить о проблеме или изменить данные "
            "доставки\u00bb ниже как можно раньше: после отправки изменения зависят от "
            "перевозчика.",
        },
        {
            "q": "Что делать, если посылка повреждена или потерялась?",
            "a": "Напишите нам через форму ниже, и мы решим вопрос с перевозчиком.",
        },
    ],
    "uk": [
        {
            "q": "Коли прийде моє замовлення?",
            "a": "Орієнтовна дата доставки вказана вище. Вона оновлюється за даними "
            "перевізника, і ми повідомимо, якщо вона зміниться.",
        },
        {
            "q": "Як відстежити посилку?",
            "a": "Після відправлення тут з'являться перевізник і номер відстеження з посиланням "
            "на сайт перевізника.",
        },
        {
            "q": "Чи можна змінити адресу доставки?",
            "a": "Скористайтеся формою \u00abПовідомити про проблему або змінити дані "
            "доставки\u00bb нижче якомога раніше: після відправлення зміни залежать від "
            "перевізника.",
        },
        {
            "q": "Що робити, якщо посилку пошкоджено або загублено?",
            "a": "Напишіть нам через форму нижче, і ми вирішимо питання з перевізником.",
        },
    ],
}


FAQ_CLOSED: dict[str, list[dict[str, str]]] = {
    "en": [
        {
            "q": "When will I get my money back?",
            "a": "If you paid, the refund goes to the card or account you paid with. Banks "
            "usually show it within {days} business days after the shop refunds it.",
        },
        {
            "q": "Why was my order cancelled?",
            "a": "The reason is shown above when the shop gave one. For anything else, use the "
            "form below or contact the shop.",
        },
        {"q": "Can I order again?", "a": "Yes: place a new order in the shop at any time."},
    ],
    "ru": [
        {
            "q": "Когда вернутся деньги?",
            "a": "Если вы платили, деньги вернутся на карту или счёт, с которого вы платили. "
            "Обычно банк зачисляет их в течение {days} рабочих дней после возврата магазином.",
        },
        {
            "q": "Почему заказ отменён?",
            "a": "Если магазин указал причину, она показана выше. По другим вопросам напишите "
            "через форму ниже или свяжитесь с магазином.",
        },
        {
            "q": "Можно ли заказать снова?",
            "a": "Да, оформите новый заказ в магазине в любое время.",
        },
    ],
    "uk": [
        {
            "q": "Коли повернуться гроші?",
            "a": "Якщо ви платили, гроші повернуться на картку або рахунок, з якого ви платили. "
            "Зазвичай банк зараховує їх протягом {days} робочих днів після повернення магазином.",
        },
        {
            "q": "Чому замовлення скасовано?",
            "a": "Якщо магазин вказав причину, її показано вище. З інших питань напишіть через "
            "форму нижче або зверніться до магазину.",
        },
        {
            "q": "Чи можна замовити знову?",
            "a": "Так, оформіть нове замовлення в магазині будь-коли.",
        },
    ],
}
REFUND_DAYS = "5\u201310"


def refund_days(branding: dict[str, Any]) -> str:
    """How many business days a refund takes to show, as the merchant says ("3–5")."""
    days = branding.get("refund_days")
    return str(days).strip() if isinstance(days, str | int) and str(days).strip() else REFUND_DAYS


class Words(Chrome):
    """The tracking page's words: these first, then the page chrome and message catalogue."""

    def __call__(self, key: str, **values: Any) -> str:
        text = TEXT.get(self.locale, TEXT["en"]).get(key)
        if text is None:
            return super().__call__(key, **values)
        return text.format(**values) if values else text


def localized(value: Any, locale: str) -> Any:
    """A merchant's setting that may be given per language: {"uk": ..., "en": ...} or plain."""
    if isinstance(value, dict) and value and all(len(str(k)) == 2 for k in value):
        return value.get(locale) or value.get("en") or next(iter(value.values()))
    return value


def faq_for(branding: dict[str, Any], locale: str, closed: bool = False) -> list[dict[str, str]]:
    """The merchant's FAQ for this language if set (an empty list hides it), else ours.

    A cancelled or refunded order gets the questions about money back instead
    (`branding.faq_closed`, else Wismo's), never "when will my order arrive?".
    """
    custom = localized(branding.get("faq_closed" if closed else "faq"), locale)
    if isinstance(custom, list):
        return [
            {"q": str(item.get("q") or ""), "a": str(item.get("a") or "")}
            for item in custom
            if isinstance(item, dict) and item.get("q")
        ]
    if closed:
        days = refund_days(branding)
        return [
            {"q": i["q"], "a": i["a"].format(days=days)}
            for i in FAQ_CLOSED.get(locale, FAQ_CLOSED["en"])
        ]
    return FAQ.get(locale, FAQ["en"])


def promotion_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The shop's promotion in its one schema (`branding.promotions`), from any stored shape.

    Older settings kept it at the top level (`promotions`), and the first admin form saved a
    list of `{"text", "url"}` lines; both are read as the schema below, so nothing is lost.
    """
    promo = ((settings.get("branding") or {}).get("promotions")) or settings.get("promotions")
    if isinstance(promo, list):  # the old admin form: one line of text and link each
        lines = [p for p in promo if isinstance(p, dict) and p.get("text")]
        promo = {
            "text": " ".join(str(p["text"]) for p in lines if not p.get("url")) or None,
            "products": [{"name": p["text"], "url": p.get("url")} for p in lines if p.get("url")],
        }
    return promo if isinstance(promo, dict) else {}


def promotion_for(settings: dict[str, Any], locale: str) -> dict[str, Any] | None:
    """The merchant's promotion block (title, text, code, product links), or None."""
    from .pages import safe_url

    promo = promotion_settings(settings)
    if not promo or not promo.get("enabled", True):
        return None
    products = [
        {"name": str(localized(p.get("name"), locale) or ""), "url": safe_url(p.get("url"))}
        for p in promo.get("products") or []
        if isinstance(p, dict) and p.get("name")
    ]
    view = {
        "title": localized(promo.get("title"), locale),
        "text": localized(promo.get("text"), locale),
        "code": promo.get("code"),
        "products": products[:6],
    }
    return view if view["text"] or view["code"] or products else None
