"""Ukrainian greetings address the shopper in the vocative, for names of both genders."""

import pytest

from core.rendering.locales import vocative

# Common Ukrainian first names and their vocative (кличний відмінок), as a greeting says them.
MEN = {
    "Тарас": "Тарасе",
    "Іван": "Іване",
    "Олександр": "Олександре",
    "Василь": "Василю",
    "Ігор": "Ігорю",
    "Богдан": "Богдане",
    "Ярослав": "Ярославе",
    "Андрій": "Андрію",
    "Микола": "Миколо",
    "Петро": "Петре",
    "Дмитро": "Дмитре",
    "Сергій": "Сергію",
    "Юрій": "Юрію",
    "Віктор": "Вікторе",
    "Володимир": "Володимире",
    "Максим": "Максиме",
    "Назар": "Назаре",
    "Михайло": "Михайле",
    "Степан": "Степане",
    "Роман": "Романе",
    "Євген": "Євгене",
    "Анатолій": "Анатолію",
    "Павло": "Павле",
    "Олексій": "Олексію",
    "Артем": "Артеме",
    "Костянтин": "Костянтине",
    "Денис": "Денисе",
    "Ілля": "Ілле",
    "Кирило": "Кириле",
    "Святослав": "Святославе",
    "Данило": "Даниле",
    "Остап": "Остапе",
    "Микита": "Микито",
    "Вадим": "Вадиме",
    "Леонід": "Леоніде",
    "Марко": "Марку",
    "Антон": "Антоне",
    "Мар'ян": "Мар'яне",
}
WOMEN = {
    "Олена": "Олено",
    "Дар'я": "Дар'є",
    "Ірина": "Ірино",
    "Оксана": "Оксано",
    "Марія": "Маріє",
    "Катерина": "Катерино",
    "Анна": "Анно",
    "Тетяна": "Тетяно",
    "Юлія": "Юліє",
    "Світлана": "Світлано",
    "Людмила": "Людмило",
    "Галина": "Галино",
    "Ольга": "Ольго",
    "Софія": "Софіє",
    "Вікторія": "Вікторіє",
    "Анастасія": "Анастасіє",
    "Надія": "Надіє",
    "Любов": "Любове",
    "Христина": "Христино",
    "Соломія": "Соломіє",
    "Валентина": "Валентино",
    "Уляна": "Уляно",
    "Богдана": "Богдано",
    "Ярослава": "Ярославо",
    "Оля": "Олю",
    "Леся": "Лесю",
    "Злата": "Злато",
    "Дарина": "Дарино",
    "Аліна": "Аліно",
    "Зоя": "Зоє",
}


@pytest.mark.parametrize(("name", "expected"), sorted({**MEN, **WOMEN}.items()))
def test_common_ukrainian_names_are_greeted_in_the_vocative(name, expected):
    assert vocative(name, "uk") == expected


def test_the_list_covers_at_least_fifty_names_of_both_genders():
    assert len(MEN) >= 25 and len(WOMEN) >= 25


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u02bc"])
def test_every_apostrophe_a_keyboard_types_is_understood(apostrophe):
    assert vocative(f"Дар{apostrophe}я", "uk") == f"Дар{apostrophe}є"


@pytest.mark.parametrize(
    "name",
    ["Olena", "John", "Нелі", "Наталья", "Олена2", "", None],
)
def test_names_it_cannot_decline_stay_as_written(name):
    # Latin script, indeclinable names and names whose gender is unknown keep their form
    assert vocative(name, "uk") == name


def test_only_ukrainian_messages_use_the_vocative():
    assert vocative("Тарас", "ru") == "Тарас"
    assert vocative("Тарас", "en") == "Тарас"
