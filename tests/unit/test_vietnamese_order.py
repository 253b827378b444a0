"""Vietnamese alphabetical order of people's names: given name first, the Vietnamese alphabet's letter order
(a ă â … d đ … o ô ơ … u ư), tones breaking ties only."""

from workflow.core.vietnamese import person_order


def ordered(*names: str) -> list[str]:
    return sorted(names, key=person_order)


def test_people_are_ordered_by_their_given_name_first():
    assert ordered("Trần Văn Bình", "Nguyễn Văn An", "Bùi Thị Lan", "Nguyễn Văn Hùng") == [
        "Nguyễn Văn An",
        "Trần Văn Bình",
        "Nguyễn Văn Hùng",
        "Bùi Thị Lan",
    ]


def test_d_with_stroke_follows_d_and_precedes_e_not_after_y():
    assert ordered("Y Ê", "Lê Đức", "Phạm Dũng", "Trần Y") == ["Phạm Dũng", "Lê Đức", "Y Ê", "Trần Y"]


def test_breve_circumflex_and_horn_letters_follow_their_base_letter():
    assert ordered("Hà Ân", "Lê Ăn", "Võ Am", "Lý Bé") == ["Võ Am", "Lê Ăn", "Hà Ân", "Lý Bé"]
    assert ordered("Lê Ưng", "Lê Uyên", "Lê Vân") == ["Lê Uyên", "Lê Ưng", "Lê Vân"]


def test_tones_only_break_ties_in_dictionary_order():
    # none, grave, hook, tilde, acute, dot below; and a toned letter never jumps over the next letter.
    assert ordered("A Mạ", "A Má", "A Mã", "A Mả", "A Mà", "A Ma") == ["A Ma", "A Mà", "A Mả", "A Mã", "A Má", "A Mạ"]
    assert ordered("Lê Mạnh", "Lê Mai") == ["Lê Mai", "Lê Mạnh"]


def test_the_same_given_name_falls_back_to_the_whole_name():
    assert ordered("Trần Văn An", "Đỗ Thị An", "Bùi An") == ["Bùi An", "Đỗ Thị An", "Trần Văn An"]
