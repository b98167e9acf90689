"""Reading order from Tesseract word boxes, and the layout check of number and date."""

from __future__ import annotations

import pytest
from evidence.extract import extract_facts
from evidence.ingest.layout import TsvWord, layout_text, parse_tsv
from evidence.model import InkMark, Page, Word

W, H = 2480, 3508


def _line(text: str, x: int, y: int, block: int, line: int, *, conf: float = 95.0,
          char: int = 24, height: int = 46) -> list[TsvWord]:
    """Words of one printed line starting at ``x``, one Tesseract line."""
    out = []
    for word in text.split():
        width = char * len(word)
        out.append(TsvWord(word, conf, x, y, width, height, (block, 1, line)))
        x += width + char
    return out


def _header_words() -> list[TsvWord]:
    # Tesseract put each header row in ONE line across both columns (block 1)
    words = (_line("UBND TỈNH HÀ TĨNH", 340, 200, 1, 1)
             + _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1200, 200, 1, 1)
             + _line("SỞ NỘI VỤ", 420, 270, 1, 2)
             + _line("Độc lập - Tự do - Hạnh phúc", 1300, 270, 1, 2)
             + _line("Số: 125/SNV-TCBC", 260, 430, 2, 1)
             + _line("Hà Tĩnh, ngày 14 tháng 3 năm 2025", 1100, 430, 2, 1)
             + _line("V/v báo cáo kết quả cải cách", 200, 500, 3, 1)
             + _line("hành chính quý I năm 2025", 220, 556, 3, 2))
    body = ["Thực hiện chương trình cải cách hành chính của tỉnh giai đoạn 2021 - 2025 Sở",
            "Nội vụ báo cáo kết quả thực hiện trong quý I năm 2025 như sau đây cụ thể là"]
    for k, text in enumerate(body):
        words += _line(text, 260, 760 + 70 * k, 4, k + 1, char=26)
    words += (_line("Nơi nhận:", 260, 1100, 5, 1) + _line("KT. GIÁM ĐỐC", 1500, 1100, 5, 1)
              + _line("- Như trên;", 260, 1160, 5, 2)
              + _line("PHÓ GIÁM ĐỐC", 1500, 1165, 5, 2)
              + _line("- Lưu: VT, TCBC.", 260, 1220, 5, 3)
              + _line("Nguyễn Văn Bình", 1480, 1500, 6, 1))
    return words


def test_header_columns_and_signer_block_are_read_apart() -> None:
    text, words = layout_text(_header_words(), (W, H))
    lines = [x for x in text.split("\n") if x]
    # the issuer's two lines together, then the motto's: no interleaving
    assert lines[:4] == ["UBND TỈNH HÀ TĨNH", "SỞ NỘI VỤ",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # the second row of cells: number and subject (left), then place and date (right)
    assert lines[4:8] == ["Số: 125/SNV-TCBC", "V/v báo cáo kết quả cải cách",
                          "hành chính quý I năm 2025", "Hà Tĩnh, ngày 14 tháng 3 năm 2025"]
    # body lines stay whole (justified gaps are not column gaps)
    assert lines[8].startswith("Thực hiện") and lines[8].endswith("2021 - 2025 Sở")
    # "Nơi nhận" apart from the signer block, which keeps title, title, name in order
    assert lines[10:] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, TCBC.", "KT. GIÁM ĐỐC",
                          "PHÓ GIÁM ĐỐC", "Nguyễn Văn Bình"]
    # every word is placed where it stands in the text, its box a page fraction
    assert len(words) == len(_header_words())
    assert all(text[w.start:w.end] == w.text for w in words)
    first = words[0]
    assert first.text == "UBND" and first.box == [round(340 / W, 4), round(200 / H, 4),
                                                  round(436 / W, 4), round(246 / H, 4)]


def test_interleaved_tesseract_lines_read_per_column_feed_the_header() -> None:
    text, words = layout_text(_header_words(), (W, H))
    page = Page(number=1, text=text, ocr=True, words=words)
    facts = extract_facts([text], layout=[page])
    assert facts.issuer == "Sở Nội vụ" and facts.parent_issuer
    assert (facts.number, facts.symbol, facts.date) == ("125", "125/SNV-TCBC", "2025-03-14")
    assert facts.signer is not None and facts.signer.name == "Nguyễn Văn Bình"
    assert facts.review == []
    # provenance of OCR'd fields carries the box of its words
    box = facts.provenance["symbol"].box
    assert box is not None and box[0] < 0.2 < box[2] and 0.12 < box[1] < 0.14


def _page(number_words: list[TsvWord], ink: list[InkMark]) -> Page:
    words = _header_words()
    # replace the printed "125/SNV-TCBC" by what the test wants OCR to have read
    k = next(i for i, w in enumerate(words) if w.text == "125/SNV-TCBC")
    words[k:k + 1] = number_words
    text, placed = layout_text(words, (W, H))
    return Page(number=1, text=text, ocr=True, words=placed, ink=ink)


def _box(x0: int, y0: int, x1: int, y1: int) -> list[float]:
    return [x0 / W, y0 / H, x1 / W, y1 / H]


def test_pen_ink_in_the_number_blank_clears_the_number_keeps_the_symbol() -> None:
    # OCR read "4H09" where a number was written in blue: confident garbage
    read = [TsvWord("4H09", 91.0, 380, 425, 110, 56, (2, 1, 1)),
            TsvWord("/SNV-TCBC", 94.0, 500, 430, 220, 46, (2, 1, 1))]
    page = _page(read, [InkMark("pen", "blue", _box(370, 410, 495, 490))])
    facts = extract_facts([page.text], layout=[page])
    assert facts.number is None and facts.symbol == "/SNV-TCBC"
    assert [(r.field, r.reason) for r in facts.review] == [("number", "handwritten")]
    assert facts.review[0].detail == "4H09" and facts.review[0].page == 1


def test_clean_digits_under_pen_are_still_not_trusted_without_other_evidence() -> None:
    read = [TsvWord("402", 93.0, 380, 425, 90, 50, (2, 1, 1)),
            TsvWord("/SNV-TCBC", 94.0, 480, 430, 220, 46, (2, 1, 1))]
    ink = [InkMark("pen", "blue", _box(370, 410, 475, 490))]
    page = _page(read, ink)
    facts = extract_facts([page.text], layout=[page], filename="scan-ho-so.pdf")
    assert facts.number is None and facts.symbol == "/SNV-TCBC"
    assert facts.review[0].reason == "handwritten" and facts.review[0].detail == "402"
    # ... but kept when sure: clean digits, high confidence, and the file name agrees
    sure = extract_facts([page.text], layout=[page], filename="CV 402 SNV.pdf")
    assert (sure.number, sure.symbol, sure.review) == ("402", "402/SNV-TCBC", [])


def test_low_confidence_print_is_flagged_and_ink_elsewhere_is_ignored() -> None:
    read = [TsvWord("125", 55.0, 380, 430, 90, 46, (2, 1, 1)),
            TsvWord("/SNV-TCBC", 94.0, 480, 430, 220, 46, (2, 1, 1))]
    seal_far = [InkMark("seal", "red", _box(1400, 1050, 1900, 1400)),
                InkMark("pen", "blue", _box(1400, 1400, 1900, 1480))]  # the signature
    page = _page(read, seal_far)
    facts = extract_facts([page.text], layout=[page])
    assert facts.number is None
    assert facts.review and facts.review[0].field == "number"
    assert facts.review[0].reason == "low_confidence"
    assert facts.date == "2025-03-14"  # the printed date is untouched
    # garbage where digits are expected is what Tesseract makes of handwriting, even
    # when a grey scan shows no coloured ink
    read[0] = TsvWord("1Z5", 41.0, 380, 430, 90, 46, (2, 1, 1))
    page = _page(read, seal_far)
    facts = extract_facts([page.text], layout=[page])
    assert facts.number is None and facts.symbol == "/SNV-TCBC"
    assert [(r.field, r.reason, r.detail) for r in facts.review] == [
        ("number", "handwritten", "1Z5")]


def test_pen_in_the_day_blank_keeps_the_printed_month_and_year() -> None:
    words = _header_words()
    k = next(i for i, w in enumerate(words) if w.text == "14")
    words[k] = TsvWord("14", 88.0, words[k].left, 420, 48, 60, words[k].line)
    text, placed = layout_text(words, (W, H))
    day = next(w for w in placed if w.text == "14")
    ink = [InkMark("pen", "blue", [day.box[0] - 0.002, day.box[1], day.box[2], day.box[3]])]
    page = Page(number=1, text=text, ocr=True, words=placed, ink=ink)
    facts = extract_facts([text], layout=[page])
    assert facts.date == "2025-03"
    assert [(r.field, r.reason) for r in facts.review] == [("date", "handwritten")]
    assert "14" in (facts.review[0].detail or "")


def test_text_without_layout_is_unchanged() -> None:
    text, _words = layout_text(_header_words(), (W, H))
    facts = extract_facts([text])
    assert (facts.number, facts.date, facts.review) == ("125", "2025-03-14", [])
    assert facts.provenance["symbol"].box is None


def test_word_list_for_an_edited_page_is_not_used() -> None:
    text, words = layout_text(_header_words(), (W, H))
    page = Page(number=1, text=text, ocr=True, words=words,
                ink=[InkMark("pen", "blue", _box(0, 0, W, H))])
    facts = extract_facts([text + " (đã sửa)"], layout=[page])
    # (the edited name line is no name: the scan's signer is left for review)
    assert facts.number == "125" and [r.field for r in facts.review] == ["signer"]


def test_tsv_text_is_made_nfc_before_words_are_placed() -> None:
    nfd = "Ho\u0302\u0300"  # "Hồ" decomposed
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth"
           "\theight\tconf\ttext\n"
           "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
           f"5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t90\t{nfd}\n"
           "5\t1\t1\t1\t1\t2\t60\t10\t30\t20\t80\tSơn\n")
    rows, size = parse_tsv(tsv)
    text, words = layout_text(rows, size)
    assert text == "Hồ Sơn"
    assert words[0] == Word("Hồ", 90.0, [0.1, 0.1, 0.5, 0.3], 0, 2)
    assert text[words[1].start:words[1].end] == "Sơn"


def test_digits_split_by_ocr_are_joined_and_a_file_name_that_disagrees_is_not_used() -> None:
    read = [TsvWord("257", 95.0, 380, 430, 80, 46, (2, 1, 1)),
            TsvWord("1/SNV-TCBC", 94.0, 480, 430, 240, 46, (2, 1, 1))]
    page = _page(read, [])
    facts = extract_facts([page.text], layout=[page])
    assert (facts.number, facts.symbol) == ("2571", "2571/SNV-TCBC")
    assert facts.review == []
    # the file name's number would be a wrong answer: the page's printed digits win
    named = extract_facts([page.text], layout=[page], filename="CV-068.pdf")
    assert (named.number, named.symbol, named.fallbacks) == ("2571", "2571/SNV-TCBC", {})
    # ... and when they are not sure, neither is used
    read[0] = TsvWord("257", 70.0, 380, 430, 80, 46, (2, 1, 1))
    page = _page(read, [])
    unsure = extract_facts([page.text], layout=[page], filename="CV-068.pdf")
    assert (unsure.number, unsure.symbol) == (None, "/SNV-TCBC")
    assert [(r.field, r.reason) for r in unsure.review] == [("number", "low_confidence")]
    assert unsure.fallbacks == {}  # the printed digits disagree with the file name's


def test_a_number_line_the_header_cannot_read_still_gets_its_review_entry() -> None:
    # "Số" misread and glued to what OCR made of the handwriting: no symbol is found
    read = [TsvWord("Só:đÓ6", 12.0, 260, 425, 200, 56, (2, 1, 1)),
            TsvWord("/SNV-TCBC", 90.0, 480, 430, 220, 46, (2, 1, 1))]
    words = _header_words()
    k = next(i for i, w in enumerate(words) if w.text == "Số:")
    words[k:k + 2] = read
    text, placed = layout_text(words, (W, H))
    page = Page(number=1, text=text, ocr=True, words=placed)
    facts = extract_facts([text], layout=[page])
    assert facts.number is None
    assert [(r.field, r.reason, r.detail) for r in facts.review] == [
        ("number", "handwritten", "đÓ6")]


def test_a_printed_number_glued_to_its_symbol_is_not_judged_by_the_token_confidence() -> None:
    # Tesseract scores the long token "309/SNV-TCBC" low: that says nothing of the digits
    read = [TsvWord("309/SNV-TCBC", 27.0, 380, 430, 300, 46, (2, 1, 1))]
    page = _page(read, [])
    facts = extract_facts([page.text], layout=[page])
    assert (facts.number, facts.symbol, facts.review) == ("309", "309/SNV-TCBC", [])
    # ... but pen over it still means a number written by hand
    page = _page(read, [InkMark("pen", "blue", _box(380, 420, 470, 480))])
    facts = extract_facts([page.text], layout=[page])
    assert facts.number is None and facts.review[0].reason == "handwritten"


# -- the header band read a second time -----------------------------------------------------

_TSV_HEAD = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
             "height\tconf\ttext")


def _tsv(words: list[TsvWord], size: tuple[int, int] = (W, H)) -> str:
    rows = [_TSV_HEAD, f"1\t1\t0\t0\t0\t0\t0\t0\t{size[0]}\t{size[1]}\t-1\t"]
    for k, w in enumerate(words):
        b, p, ln = w.line
        rows.append(f"5\t1\t{b}\t{p}\t{ln}\t{k}\t{w.left}\t{w.top}\t{w.width}\t{w.height}\t"
                    f"{w.conf}\t{w.text}")
    return "\n".join(rows) + "\n"


def test_header_band_runs_from_the_top_to_the_number_and_date_lines() -> None:
    from evidence.ingest.layout import header_band

    band = header_band(_header_words(), (W, H))
    assert band is not None
    (l0, t0, r0, b0), (l1, t1, r1, b1) = band
    # the columns part at the motto, the band ends under the Số and date lines (y 430)
    assert l0 == 0 and r0 == l1 and 1100 < r1 and r0 < 1200 and r1 == W
    assert t0 == t1 < 200 and 476 <= b0 == b1 < 560
    # a page without the motto at its top (a body page) has no header band
    assert header_band(_line("Thực hiện chương trình cải cách", 260, 760, 4, 1), (W, H)) is None


def test_second_reading_of_the_header_replaces_the_band_words_only() -> None:
    from evidence.ingest.layout import header_band, merge_crops_tsv

    words = _header_words()
    # the first pass lost the issuer's unit line and garbled the number
    first = [w for w in words if w.text not in ("SỞ", "NỘI", "VỤ")]
    first = [TsvWord("l2S/SNV-TCBC", 40, w.left, w.top, w.width, w.height, w.line)
             if w.text == "125/SNV-TCBC" else w for w in first]
    band = header_band(first, (W, H))
    assert band is not None
    left, right = band
    # the second reading: the left crop stacked above the right one, one image
    below = left[3] - left[1] + 40
    stacked = [TsvWord(w.text, w.conf, w.left - left[0], w.top - left[1], w.width,
                       w.height, w.line) for w in words
               if w.right <= left[2] and w.top < left[3]]
    stacked += [TsvWord(w.text, w.conf, w.left - right[0], w.top - right[1] + below, w.width,
                        w.height, (w.line[0] + 50, *w.line[1:])) for w in first
                if w.left >= right[0] and w.top < right[3]]
    merged = merge_crops_tsv(_tsv(first), _tsv(stacked, (W, below + right[3] - right[1])),
                              [(left, 0), (right, below)])
    rows, _size = parse_tsv(merged)
    text, _words = layout_text(rows, (W, H))
    assert "SỞ NỘI VỤ" in text and "Số: 125/SNV-TCBC" in text and "l2S" not in text
    # the words outside the crop stay as the first pass read them, once
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1
    assert text.count("Nguyễn Văn Bình") == 1


# -- the header's columns parted at the motto, however narrow the gap ------------------------

def _narrow_header(motto: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   issuer: str = "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", gap: int = 30) -> list[TsvWord]:
    # a long issuer line ends ``gap`` px before the motto (a word space is 24 px here):
    # Tesseract reads both as one line, its gap no column gap by width alone
    first = _line(issuer, 200, 200, 1, 1)
    x = first[-1].right + gap
    if gap >= 60:  # a speck in the gap, read as a word of the line
        first.append(TsvWord("|", 30.0, x - gap // 2, 215, 3, 6, (1, 1, 1)))
    return (first + _line(motto, x, 200, 1, 1)
            + _line("SỞ NỘI VỤ", 380, 270, 1, 2)
            + _line("Độc lập - Tự do - Hạnh phúc", x + 110, 270, 1, 2)
            + _line("Số: 125/SNV-TCBC", 260, 430, 2, 1)
            + _line("Hà Tĩnh, ngày 14 tháng 3 năm 2025", x - 20, 430, 2, 1)
            # the type line and the trích yếu, centred across the boundary
            + _line("QUYẾT ĐỊNH", 1000, 520, 3, 1)
            + _line("Về việc ban hành quy chế làm việc của Sở Nội vụ", 560, 590, 3, 2)
            + _line("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
                    260, 700, 4, 1))


@pytest.mark.parametrize("gap", [30, 12, 70])
def test_a_narrow_header_gap_is_parted_at_the_motto(gap: int) -> None:
    text, words = layout_text(_narrow_header(gap=gap), (W, H))
    # a speck in the gap stays a cell apart on the issuer's line (three spaces)
    lines = [x.removesuffix("   |") for x in text.split("\n") if x]
    assert lines[:6] == ["ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "SỞ NỘI VỤ",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Số: 125/SNV-TCBC", "Hà Tĩnh, ngày 14 tháng 3 năm 2025"]
    # a centred line across the boundary, with word spaces only, stays whole
    assert lines[6:8] == ["QUYẾT ĐỊNH", "Về việc ban hành quy chế làm việc của Sở Nội vụ"]
    assert all(text[w.start:w.end] == w.text for w in words)
    assert "| CỘNG" not in text and "TĨNH |" not in text and text.count("|") == (gap >= 60)
    facts = extract_facts([text])
    assert (facts.issuer, facts.parent_issuer) == ("Sở Nội vụ", "Ủy ban nhân dân tỉnh Hà Tĩnh")
    assert (facts.number, facts.date) == ("125", "2025-03-14")


def test_a_garbled_motto_and_the_partys_motto_anchor_the_columns() -> None:
    from evidence.ingest.layout import header_band

    garbled = _narrow_header(motto="CỘNG HÒA XÃ. HỘI CHỦ NgHiŸx VIỆT NAM")
    text, _words = layout_text(garbled, (W, H))
    assert text.startswith("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\nSỞ NỘI VỤ\n")
    party = _narrow_header(motto="ĐẢNG CỘNG SẢN VIỆT NAM", issuer="ĐẢNG BỘ TỈNH HÀ TĨNH")
    text, _words = layout_text(party, (W, H))
    assert text.startswith("ĐẢNG BỘ TỈNH HÀ TĨNH\nSỞ NỘI VỤ\n\nĐẢNG CỘNG SẢN VIỆT NAM\n")
    # the second pass's crops part at the same place
    band = header_band(party, (W, H))
    motto = next(w for w in party if w.text == "ĐẢNG" and w.left > 600)
    assert band is not None and band[0][2] == band[1][0] < motto.left


def test_a_motto_without_a_left_column_changes_nothing() -> None:
    # a citizen's đơn: the motto centred alone, lines below it across the page
    words = (_line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 700, 200, 1, 1)
             + _line("Độc lập - Tự do - Hạnh phúc", 820, 270, 1, 2)
             + _line("ĐƠN ĐỀ NGHỊ", 1000, 420, 2, 1)
             + _line("Kính gửi: Ủy ban nhân dân phường Thành Sen", 600, 500, 3, 1)
             + _line("Tôi tên là Nguyễn Thị Hoa, sinh năm 1980, thường trú tại phường", 260,
                     600, 4, 1))
    text, _words = layout_text(words, (W, H))
    assert [x for x in text.split("\n") if x] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ĐƠN ĐỀ NGHỊ",
        "Kính gửi: Ủy ban nhân dân phường Thành Sen",
        "Tôi tên là Nguyễn Thị Hoa, sinh năm 1980, thường trú tại phường"]
