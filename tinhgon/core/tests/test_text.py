from tinhgon.core.text import compact, fold, normalize, sort_key


def test_folding_removes_diacritics_and_the_stroke_of_d():
    assert fold("Phường Chiềng An") == "phuong chieng an"
    assert fold("Đắk Lắk") == "dak lak"


def test_normalizing_joins_decomposed_letters_and_repeated_spaces():
    decomposed = "Pho\u031b\u0300ng  Tô Hiệu"
    assert normalize(decomposed) == "Phờng Tô Hiệu"


def test_compact_ignores_apostrophes_dashes_and_case():
    assert compact("Xã Cư M’gar") == compact("Xã Cư M'Gar")
    assert compact("Xã Chân Mây – Lăng Cô") == compact("Xã Chân Mây - Lăng Cô")


def test_vietnamese_order_puts_each_letter_in_its_place():
    words = ["Yên", "Đông", "Dương", "Ân", "Ăn", "An", "Anh", "Ơn", "Ôn", "On", "Ưu", "Uy"]
    ordered = sorted(words, key=sort_key)
    assert ordered == [
        "An",
        "Anh",
        "Ăn",
        "Ân",
        "Dương",
        "Đông",
        "On",
        "Ôn",
        "Ơn",
        "Uy",
        "Ưu",
        "Yên",
    ]


def test_tones_order_words_that_share_their_letters():
    words = ["má", "mạ", "ma", "mà", "mã", "mả"]
    assert sorted(words, key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_case_does_not_change_the_order():
    assert sort_key("Sơn La") == sort_key("sơn la")
