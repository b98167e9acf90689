"""The number and date of OCR'd pages checked against the page layout (extract.layoutcheck),
on pages built here word by word: the classes of scans seen on real files (a number
written by hand over a glued symbol, labels and slashes lost to handwriting, a garbled
day and month), each asserting the fields and the review entries."""

from __future__ import annotations

from evidence.extract import extract_facts
from evidence.model import Facts, Page, Word

# a line of the page: its words as (text, confidence, height as a multiple of the print)
Line = list[tuple[str, float, float]]

_PRINT = 0.012  # the height of a printed word, as a fraction of the page


def _page(lines: list[tuple[float, float, Line]]) -> Page:
    """A page whose text is its lines (each at ``(x, y)``), every word placed and boxed."""
    text = ""
    words: list[Word] = []
    for n, (x, y, line) in enumerate(lines):
        if n:
            text += "\n\n" if not line else "\n"
        for k, (w, conf, tall) in enumerate(line):
            if k:
                text += " "
            width = 0.012 * len(w)
            h = _PRINT * tall
            words.append(Word(w, conf, [x, y - (h - _PRINT), x + width, y + _PRINT],
                              len(text), len(text) + len(w)))
            text += w
            x += width + 0.008
    return Page(number=1, text=text, ocr=True, confidence=90.0, words=words)


def _header(number_line: Line, date_line: Line | None = None) -> list[tuple[float, float, Line]]:
    date_line = date_line or [("Hà", 96, 1), ("Nội,", 96, 1), ("ngày", 96, 1), ("15", 95, 1),
                              ("tháng", 96, 1), ("12", 95, 1), ("năm", 96, 1), ("2025", 95, 1)]
    return [
        (0.15, 0.07, [("BỘ", 96, 1.1), ("TƯ", 96, 1.1), ("PHÁP", 96, 1.1)]),
        (0.45, 0.07, [("CỘNG", 96, 1.1), ("HÒA", 96, 1.1), ("XÃ", 96, 1.1), ("HỘI", 96, 1.1),
                      ("CHỦ", 96, 1.1), ("NGHĨA", 96, 1.1), ("VIỆT", 96, 1.1),
                      ("NAM", 96, 1.1)]),
        (0.5, 0.09, [("Độc", 96, 1), ("lập", 96, 1), ("-", 93, 1), ("Tự", 96, 1), ("do", 96, 1),
                     ("-", 93, 1), ("Hạnh", 96, 1), ("phúc", 96, 1)]),
        (0.15, 0.125, number_line),
        (0.15, 0.15, [("V/v", 90, 1), ("tổ", 96, 1), ("chức", 96, 1), ("đại", 96, 1),
                      ("hội", 96, 1), ("nhiệm", 96, 1), ("kỳ", 96, 1), ("mới", 96, 1)]),
        (0.5, 0.13, date_line),
        (0.1, 0.2, []),
        (0.2, 0.2, [("Kính", 96, 1), ("gửi:", 96, 1), ("Sở", 96, 1), ("Tư", 96, 1),
                    ("pháp", 96, 1), ("các", 96, 1), ("tỉnh", 96, 1)]),
        (0.1, 0.23, [("Thực", 96, 1), ("hiện", 96, 1), ("chương", 96, 1), ("trình", 96, 1),
                     ("công", 96, 1), ("tác", 96, 1), ("năm", 96, 1), ("2025,", 96, 1)]),
    ]


def _facts(page: Page) -> Facts:
    return extract_facts([page.text], filename="scan.pdf", layout=[page])


def _reviews(facts: Facts) -> set[tuple[str, str]]:
    return {(r.field, r.reason) for r in facts.review}


def test_printed_number_glued_to_its_symbol_is_kept() -> None:
    # a long glued token scores low against the dictionary: its confidence says nothing
    facts = _facts(_page(_header([("Số:", 93, 1), ("309/BTP-BTTP", 27, 1.0)])))
    assert (facts.number, facts.symbol) == ("309", "309/BTP-BTTP")
    assert facts.date == "2025-12-15"
    assert facts.review == []


def test_handwriting_over_a_glued_number_is_not_trusted() -> None:
    # a grey scan: no ink colour; the digits written over the blank make the token (and
    # the label beside it) half again as tall as the print
    facts = _facts(_page(_header([("Số:", 30, 1.5), ("22/BTP-BTTP", 32, 1.6)])))
    assert facts.number is None and facts.symbol == "/BTP-BTTP"
    assert _reviews(facts) == {("number", "handwritten")}
    assert facts.date == "2025-12-15"


def test_a_tall_number_read_with_confidence_is_print() -> None:
    # a law's number line set larger than the rest of the header
    facts = _facts(_page(_header([("Luật", 96, 1.7), ("số:", 96, 1.7), ("84/2025/QH15", 96, 1.7)])))
    assert (facts.number, facts.symbol) == ("84", "84/2025/QH15")
    assert not any(r.field == "number" for r in facts.review)


def test_label_read_as_dollar_sign_glued_to_a_handwritten_number() -> None:
    # "$ố:4340 /CAT-PA05": the header cannot read the line; the slot still says why
    facts = _facts(_page(_header([("$ố:4340", 33, 1.1), ("/CAT-PA05", 89, 1)])))
    assert facts.number is None
    assert ("number", "handwritten") in _reviews(facts)


def test_slash_lost_under_the_handwriting() -> None:
    facts = _facts(_page(_header([("Số:", 93, 1), ("©¿2", 1, 1), ("LĐLSVN-BTV", 53, 1)])))
    assert facts.number is None
    assert ("number", "handwritten") in _reviews(facts)


def test_a_code_damaged_past_reading_leaves_no_symbol_and_the_slot_says_why() -> None:
    # "Số: 3 3Ø/C04-Pó": "/C04" is not the symbol printed; the blank's reading, glued to
    # it, is OCR of handwriting
    facts = _facts(_page(_header([("Số:", 93, 1), ("3", 41, 1), ("3Ø/C04-Pó", 30, 1)])))
    assert (facts.number, facts.symbol) == (None, None)
    assert {("symbol", "low_confidence"), ("number", "handwritten")} <= _reviews(facts)


def test_label_glued_to_the_whole_symbol() -> None:
    facts = _facts(_page(_header([("Sế:0J/NQ-HĐQL", 40, 1)])))
    assert facts.number is None
    assert ("number", "handwritten") in _reviews(facts)


def test_a_citation_in_the_header_band_is_no_number_slot() -> None:
    # no Số line at all (an application form): "số 33 NQ-CP" of a sentence is no blank
    lines = _header([("ĐƠN", 96, 1), ("ĐỀ", 96, 1), ("NGHỊ", 96, 1)])
    lines[-1] = (0.1, 0.23, [("theo", 96, 1), ("Nghị", 96, 1), ("quyết", 96, 1), ("số", 96, 1),
                             ("33", 96, 1), ("NQ-CP", 90, 1), ("của", 96, 1)])
    facts = _facts(_page(lines))
    assert facts.number is None
    assert not any(r.field == "number" for r in facts.review)
    # nor a Party number glued to its code after "số"
    lines[-1] = (0.1, 0.23, [("theo", 96, 1), ("Nghị", 96, 1), ("quyết", 96, 1), ("số", 96, 1),
                             ("60-NQ/TW", 96, 1), ("của", 96, 1)])
    facts = _facts(_page(lines))
    assert not any(r.field == "number" for r in facts.review)


def test_day_and_month_garbled_beyond_the_month_word() -> None:
    # "ngày lUthảng Ú năm 2025": the year is printed, the rest is OCR of handwriting
    date = [("Hà", 96, 1), ("Nội,", 96, 1), ("ngày", 96, 1), ("lUthảng", 30, 1), ("Ú", 20, 1),
            ("năm", 96, 1), ("2025", 95, 1)]
    facts = _facts(_page(_header([("Số:", 93, 1), ("309/BTP-BTTP", 80, 1.0)], date)))
    assert facts.date is None  # not the bare year: a partial date means a blank day
    assert ("date", "handwritten") in _reviews(facts)
    assert facts.number == "309"


def test_more_digits_in_the_blank_than_the_number_taken() -> None:
    # "Số: 3 39/C04-P6": the header takes the digits glued to the symbol; the blank holds
    # more, so which of them are the number is unsure
    facts = _facts(_page(_header([("Số:", 96, 1), ("3", 93, 1), ("39/C04-P6", 17, 1)])))
    assert facts.number is None and facts.symbol == "/C04-P6"
    assert any(r.field == "number" for r in facts.review)


def test_a_number_glued_to_its_label_is_not_measured_for_handwriting() -> None:
    # "Số:25/2026/NĐ-CP" in one word: the label's diacritics make it tall, not a pen
    facts = _facts(_page(_header([("Số:25/2026/NĐ-CP", 45, 1.6)])))
    assert (facts.number, facts.symbol) == ("25", "25/2026/NĐ-CP")


def test_a_label_glued_to_the_blank_before_the_symbol() -> None:
    # "Số:96ÿđ /BCA-C04": the header cannot read the number; neither may the file name
    page = _page(_header([("Số:96ÿđ", 40, 1), ("/BCA-C04", 90, 1)]))
    facts = extract_facts([page.text], filename="CV 070.pdf", layout=[page])
    assert facts.number is None and facts.symbol == "/BCA-C04"
    assert "number" not in facts.fallbacks
    assert ("number", "handwritten") in _reviews(facts)


def test_a_dotted_printed_number_is_clean() -> None:
    # "Số: 66.18 /NQ-CP": a number with a dotted part, as the symbol grammar reads it
    facts = _facts(_page(_header([("Số:", 93, 1), ("66.18", 95, 1), ("/NQ-CP", 93, 1)])))
    assert (facts.number, facts.symbol) == ("66.18", "66.18/NQ-CP")
    assert not any(r.field == "number" for r in facts.review)
    # a dot in a handwritten blank is no number for all that
    facts = _facts(_page(_header([("Số:", 93, 1), ("6.1", 40, 1.6), ("/NQ-CP", 93, 1)])))
    assert facts.number is None
    assert ("number", "handwritten") in _reviews(facts)


def test_a_printed_day_read_with_little_confidence_leaves_no_partial_date() -> None:
    # clean digits, but Tesseract hardly believes them and no pen lies over them: they may
    # be the printed day misread. "2025-12" would claim a blank day: the date stays empty
    date = [("Hà", 96, 1), ("Nội,", 96, 1), ("ngày", 96, 1), ("15", 41, 1), ("tháng", 96, 1),
            ("12", 95, 1), ("năm", 96, 1), ("2025", 95, 1)]
    facts = _facts(_page(_header([("Số:", 93, 1), ("309/BTP-BTTP", 90, 1.0)], date)))
    assert facts.date is None
    [item] = [r for r in facts.review if r.field == "date"]
    assert "15" in (item.detail or "")


def test_a_date_line_too_damaged_to_read_is_a_review_entry() -> None:
    # "ngả)" for "ngày", the day lost, the year broken: no date is read, the officer is told
    date = [("Lam", 90, 1), ("Đóng,", 80, 1), ("ngả)", 40, 1), ("tháng", 90, 1), ("7", 90, 1),
            ("năm", 96, 1), ("2(025", 50, 1)]
    facts = _facts(_page(_header([("Số:", 93, 1), ("309/BTP-BTTP", 90, 1.0)], date)))
    assert facts.date is None
    assert [(r.field, r.reason, r.page) for r in facts.review] == [("date", "handwritten", 1)]
    assert "tháng 7 năm 2(025" in (facts.review[0].detail or "")


def test_a_body_sentence_with_a_month_is_no_damaged_date_line() -> None:
    lines = _header([("Số:", 93, 1), ("309/BTP-BTTP", 90, 1.0)],
                    [("Kế", 96, 1), ("hoạch", 96, 1), ("công", 96, 1), ("tác", 96, 1)])
    lines.append((0.1, 0.3, [("Báo", 96, 1), ("cáo", 96, 1), ("trước", 96, 1), ("tháng", 96, 1),
                             ("12", 96, 1), ("hằng", 96, 1), ("năm.", 96, 1)]))
    lines.append((0.1, 0.32, [("Họp", 96, 1), ("ngày", 96, 1), ("5", 96, 1), ("tháng", 96, 1),
                              ("3", 96, 1), ("năm", 96, 1), ("2025.", 96, 1)]))
    facts = _facts(_page(lines))
    assert facts.date is None
    assert not any(r.field == "date" for r in facts.review)


def _drawn(page: Page) -> Page:
    page.drawn = True
    return page


def test_a_label_stuck_to_printed_digits_on_a_drawn_page_is_kept() -> None:
    # a born-digital page OCR'd for its broken font map: "Số:1050" in one word scores low
    # as a whole; no pen writes on a page drawn from fonts
    lines = _header([("Số:1050", 42, 1), ("/QĐ-SCT", 56, 1)])
    facts = _facts(_drawn(_page(lines)))
    assert (facts.number, facts.symbol) == ("1050", "1050/QĐ-SCT")
    assert not any(r.field == "number" for r in facts.review)
    # the same word on a scan may be digits written by hand over the blank: not trusted
    facts = _facts(_page(lines))
    assert facts.number is None and facts.symbol == "/QĐ-SCT"
    assert ("number", "handwritten") in _reviews(facts)


def test_a_misread_day_on_a_drawn_page_is_low_confidence_not_handwriting() -> None:
    date = [("Lào", 96, 1), ("Cai,", 96, 1), ("ngày", 96, 1), ("U6_", 40, 1.5), ("tháng", 96, 1),
            ("3", 95, 1), ("năm", 96, 1), ("2026", 95, 1)]
    facts = _facts(_drawn(_page(_header([("Số:", 93, 1), ("1050/QĐ-SCT", 90, 1.0)], date))))
    assert facts.date is None
    assert _reviews(facts) >= {("date", "low_confidence")}
    assert ("date", "handwritten") not in _reviews(facts)
