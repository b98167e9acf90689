"""The message catalogue: every text an officer reads, in Vietnamese, under a stable code.

The library writes its errors and warnings in English (the message ids, as with gettext:
tests and logs keep them, ``--verbose`` tracebacks show them); this module is the one place
that turns them into the Vietnamese an officer reads, and gives each a stable code for JSON
(``reason``, ``warning_codes``). Three tables:

- :data:`TEXTS` — the command line's own sentences (summaries, hints), by code;
- :data:`LIBRARY` — patterns of the library's messages (errors, per-file failures, ingest and
  extraction warnings) with their code and Vietnamese template; ``{name}`` in a template is
  the pattern's named group of that name;
- :data:`CLICK` — click's own usage strings (``Usage:``, ``Missing argument`` …);
- :data:`HINTS` — the fix hint of each error code (``evidence.errors``: a file's failure
  reason, else the error's ``kind``; the table is ``docs/errors.md``).

A message no pattern knows is shown as it is, under the code ``other``; the test
``tests/test_messages.py`` scans the source for literal messages so none goes untranslated.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["CLICK", "HINTS", "LIBRARY", "TEXTS", "hint", "install_click_translation", "t",
           "translate"]

# ---- the command line's own sentences ---------------------------------------------------

TEXTS: dict[str, str] = {
    "check.summary": "{met} tiêu chí đạt, {partial} đạt một phần, {missing} chưa có tài liệu",
    "check.written": "{out}: {met} đạt, {partial} đạt một phần, {missing} chưa có tài liệu",
    "check.xlsx_needs_out": "--format xlsx cần --out TỆP",
    "export.written": "{path}: {rows} văn bản",
    "fix.dropped": "{path}: đã bỏ {n} sửa đổi cũ",
    # a correction while an ingest or a reindex writes the store (CLI ``fix`` and the web)
    "fix.waiting": ("Một lần nạp tài liệu đang ghi vào kho: chỉnh sửa chờ nó ghi xong rồi "
                    "mới lưu (tối đa {minutes} phút)…"),
    "fix.waited": "Một lần nạp tài liệu đang ghi vào kho: chỉnh sửa đã chờ nó ghi xong rồi mới lưu.",
    "fix.wait_timeout": ("Một lần nạp tài liệu vẫn đang ghi vào kho sau {minutes} phút chờ: "
                         "chỉnh sửa đã vào danh mục."),
    "fix.index_later": ("Kết quả tìm kiếm sẽ có giá trị mới sau lần nạp tiếp theo hoặc lệnh "
                        "evidence reindex."),
    "link.decided": "{requirement}: {name} {verdict} là tài liệu kiểm chứng (bộ {catalogue})",
    "link.counts": "được tính",
    "link.not_counts": "không được tính",
    "link.forgotten": ("{requirement}: {name}: không còn quyết định của cán bộ; nội dung văn "
                       "bản quyết định như thường"),
    "pack.summary": "{out}: {folders} thư mục tiêu chí, đã sao chép {copied} tệp",
    "remove.done": "{path}: đã gỡ {name} khỏi kho",
    "reindex.summary": "{engine}: đã lập chỉ mục {documents} văn bản ({mode}, {seconds:.1f} giây)",
    "show.ambiguous": "{n} văn bản khớp; đang hiển thị {shown}; các văn bản khác: {others}",
    "interrupted": "đã dừng theo yêu cầu (phần đã làm được giữ lại; chạy lại để làm tiếp)",
    "several_documents": "tệp chứa {n} văn bản; đang hiển thị văn bản đầu tiên",
    "serve.needs_token": "mở cho máy khác ({host}) cần --token MÃ, để chỉ người có mã mới vào được",
    "serve.started": "Không gian làm việc đang chạy: {url} (kho: {home}); Ctrl+C để dừng",
}


def t(code: str, **values: Any) -> str:
    """The Vietnamese sentence ``code`` of :data:`TEXTS`, filled with ``values``."""
    return TEXTS[code].format(**values)


# ---- what to do about an error, by its code (evidence.errors, docs/errors.md) ------------

_TESSERACT = "sudo apt-get install tesseract-ocr tesseract-ocr-vie"
HINTS: dict[str, str] = {
    # a file's failure reason (FailReason)
    "encrypted": "gỡ mật khẩu (mở tệp, lưu một bản không đặt mật khẩu) rồi nạp lại",
    "corrupt": "mở thử tệp bằng phần mềm của nó; nếu hỏng, lấy lại bản gốc",
    "permission": "cấp quyền đọc tệp hoặc thư mục cho người đang chạy evidence rồi nạp lại",
    "truncated": "tệp bị cắt dở (tải hoặc sao chép chưa xong): sao chép lại từ bản gốc",
    "empty": "sao chép lại tệp từ bản gốc",
    "wrong_extension": "đổi đuôi tệp cho đúng định dạng thật rồi nạp lại",
    "unsupported": "lưu tài liệu thành PDF, DOCX hoặc ảnh rồi nạp lại",
    "too_large": "tách tệp thành các phần nhỏ hơn; một tệp nén bất thường thì bỏ qua",
    "binary_text": "tệp .txt này không chứa chữ: kiểm tra lại tệp gốc",
    "no_text": f"nạp lại với --ocr auto; cần Tesseract: {_TESSERACT}",
    "ocr_unavailable": f"cài Tesseract: {_TESSERACT}",
    "converter_missing": "cài LibreOffice (sudo apt-get install libreoffice-writer-nogui) "
                         "hoặc lưu tệp thành .docx",
    "timeout": "nạp lại tệp này với --timeout lớn hơn",
    "internal": "lỗi của chương trình: chạy lại với --verbose và gửi kèm các dòng in ra",
    # errors that are not about one file (their kind)
    "unreadable_input": "kiểm tra lại tệp đã chỉ định",
    "store": "kiểm tra thư mục kho (--home hoặc $EVIDENCE_HOME); `evidence status` cho biết "
             "tình trạng kho",
    "store_busy": "khóa tự mở khi tiến trình kia dừng; `evidence status` cho biết kho nào đang dùng",
    "not_found": "tìm bằng `evidence search` với số hoặc vài chữ của trích yếu",
    "ambiguous": "chọn một văn bản bằng mã (id) ở đầu dòng của nó",
    "bad_value": "xem cách viết trong `evidence <lệnh> --help`",
    "nothing_to_do": "`evidence fix --list` và `evidence link --list` cho biết những gì đã lưu",
    "bad_query": "xem cách viết trong `evidence search --help`",
    "bad_criteria": "đối chiếu tệp tiêu chí với docs/check.md (schema_version, các trường bắt buộc)",
}


def hint(code: str) -> str | None:
    """The fix hint of error code ``code`` (:data:`HINTS`), if any."""
    return HINTS.get(code)


# ---- the library's messages -------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    code: str
    pattern: re.Pattern[str]
    vi: str


def _e(code: str, pattern: str, vi: str) -> Entry:
    return Entry(code, re.compile(pattern, re.S), vi)


# Most specific first. Groups named in the template are carried over as they are.
LIBRARY: tuple[Entry, ...] = (
    # --- extraction warnings
    _e("number_blank", r"^number is blank: unnumbered draft$", "số văn bản để trống: bản dự thảo chưa cấp số"),
    _e("number_from_filename", r"^number taken from the file name$", "số văn bản lấy từ tên tệp"),
    _e("number_unreadable", r"^number unreadable$", "không đọc được số văn bản"),
    _e("day_month_unreadable", r"^day or month unreadable$", "không đọc được ngày hoặc tháng"),
    # --- dates typed by users (extract.dates.parse_user_date)
    _e("user_date_days", r"^date impossible: (?P<x>.+?) \(month (?P<m>\d+/\d+) has (?P<n>\d+) days\)$",
       "ngày không có thật: {x} (tháng {m} có {n} ngày)"),
    _e("user_date_month", r"^date impossible: (?P<x>.+?) \(months run from 1 to 12\)$",
       "ngày không có thật: {x} (tháng phải từ 1 đến 12)"),
    _e("user_date_year", r"^date impossible: (?P<x>.+?) \(years run from 1900 to 2100\)$",
       "ngày không có thật: {x} (năm phải từ 1900 đến 2100)"),
    _e("user_date_partial", r"^not a whole date: (?P<x>.+?) \(use (?P<u>[^)]*)\)$",
       "cần ngày đầy đủ: {x} (viết {u})"),
    _e("user_date_format", r"^not a date: (?P<x>.+?) \(use (?P<u>[^)]*)\)$",
       "không phải ngày: {x} (viết {u})"),
    _e("date_line_year_adopted", r"^date line impossible for number year (?P<y>\d+): (?P<x>.*); the adoption sentence's date taken$",
       "ngày ở đầu văn bản không hợp với năm {y} của số ký hiệu: {x}; lấy ngày thông qua ở cuối văn bản"),
    _e("date_number_year", r"^date impossible for number year (?P<y>\d+): (?P<x>.*)$",
       "ngày không hợp với năm {y} của số ký hiệu: {x} (để trống, cần kiểm tra)"),
    _e("symbol_incomplete", r"^symbol incomplete: (?P<x>.*)$", "số ký hiệu đọc chưa đủ: {x} (cần kiểm tra)"),
    _e("date_impossible", r"^date impossible: (?P<x>.*)$", "ngày không có thật: {x}"),
    _e("type_mismatch", r"^doc_type: the type line says (?P<a>.*), the symbol says (?P<b>.*)$",
       "loại văn bản: dòng tên loại ghi {a}, ký hiệu ghi {b}"),
    _e("type_vv_mismatch", r"^doc_type: a V/v line, the symbol says (?P<b>.*)$",
       "loại văn bản: trích yếu V/v như công văn, nhưng ký hiệu ghi {b} (lấy theo ký hiệu)"),
    _e("citation_type_mismatch", r"^citation (?P<s>\S+): cited as (?P<a>.*), symbol type (?P<b>.*)$",
       "trích dẫn {s}: được gọi là {a} nhưng ký hiệu là loại {b}"),
    _e("extraction_failed", r"^(?:fact )?extraction failed(?P<x>.*)$", "không trích xuất được thông tin{x}"),
    _e("several_documents", r"^the file holds (?P<n>\d+) documents; shown: the first \(pages (?P<p>[^)]*)\); others: (?P<o>.*); `evidence ingest` stores each$",
       "tệp chứa {n} văn bản; đang hiện văn bản đầu (trang {p}); các văn bản khác: {o}; `evidence ingest` lưu từng văn bản"),
    _e("number_not_trusted", r"^number not trusted \((?P<why>[^)]*)\): OCR read (?P<x>.*)$",
       "số văn bản chưa chắc chắn ({why}): OCR đọc được “{x}”; để trống cho cán bộ kiểm tra"),
    _e("date_not_trusted", r"^date not trusted \((?P<why>[^)]*)\): OCR read (?P<x>.*)$",
       "ngày văn bản chưa chắc chắn ({why}): OCR đọc được “{x}”; để trống cho cán bộ kiểm tra"),
    _e("attached_document", r"^pages (?P<a>\d+)-(?P<b>\d+): attached document \((?P<w>.*)\); not read for this document's fields$",
       "trang {a}-{b}: văn bản kèm theo ({w}); không dùng để đọc thông tin của văn bản này"),
    _e("signer_from_certificate", r"^signer name taken from the signature certificate$",
       "họ tên người ký lấy từ chứng thư chữ ký số"),
    _e("signer_from_text", r"^signer name completed from the document's text$",
       "họ tên người ký bị chữ ký che, được bổ sung theo họ tên ghi trong văn bản"),
    _e("signer_conflict", r"^signer: the signature certificate names (?P<a>.*), not (?P<b>.*)$",
       "người ký: chứng thư chữ ký số ghi {a}, không phải {b}; cần kiểm tra"),
    _e("date_from_signature", r"^date: the day is blank; taken from the issuing body's signing time$",
       "ngày để trống; lấy theo thời điểm ký số của cơ quan ban hành"),
    _e("issuer_incomplete", r"^issuer incomplete: (?P<x>.*)$",
       "cơ quan ban hành thiếu dòng đơn vị (“{x}”); để trống cho cán bộ kiểm tra"),
    # --- ingest warnings
    _e("embedded_chunk", r"^embedded (?P<x>.*) chunk not read$", "không đọc được phần nhúng ({x})"),
    _e("legacy_font", r"^legacy-font (?:\(TCVN3/VNI\) )?text converted to Unicode:? ?(?P<x>.*)$",
       "đã chuyển phông chữ cũ (TCVN3/VNI) sang Unicode {x}"),
    _e("legacy_runs", r"^(?P<x>\S+) text in (?:Unicode-font runs|a Unicode file): converted to Unicode$",
       "chữ {x} trong phông Unicode: đã chuyển sang Unicode"),
    _e("mojibake", r"^UTF-8 text read as cp1252 \(mojibake\): repaired$",
       "chữ UTF-8 bị đọc nhầm bảng mã cp1252: đã sửa"),
    _e("no_text_document", r"^no text in the document$", "văn bản không có chữ"),
    _e("decoded_as", r"^decoded as (?P<x>.*)$", "đọc theo bảng mã {x}"),
    _e("sheet_truncated", r"^sheet (?P<s>.*): stopped after (?P<n>\d+) rows$", "trang tính {s}: chỉ đọc {n} dòng đầu"),
    _e("sheet_legacy", r"^sheet (?P<s>.*): legacy-font cells converted to Unicode (?P<x>.*)$",
       "trang tính {s}: đã chuyển các ô phông chữ cũ sang Unicode {x}"),
    _e("page_damaged", r"^page unreadable \(damaged page object\), left empty$",
       "trang hỏng, không đọc được: để trống"),
    _e("no_text_layer", r"^no usable text layer \(OCR off\)$", "không có lớp chữ dùng được (OCR đang tắt)"),
    _e("ocr_unavailable", r"^need OCR but Tesseract is unavailable$", "cần OCR nhưng chưa cài Tesseract"),
    _e("render_failed", r"^page cannot be rendered for OCR$", "không dựng được ảnh trang để OCR"),
    _e("garbage_layer", r"^unreadable text layer replaced by OCR$", "lớp chữ hỏng: đã đọc lại bằng OCR"),
    _e("rotated", r"^scanned rotated (?P<d>\d+)°, turned for OCR$", "trang quét bị xoay {d}°: đã xoay lại để OCR"),
    _e("named_as", r"^named (?P<ext>\S+) but is an? (?P<k>.*); read as (?P<r>.*)$",
       "tên tệp là {ext} nhưng thực chất là {k}; đã đọc như {r}"),
    _e("index_behind_ingest", r"^an ingest is running: (?P<n>\d+) documents are not searchable yet$",
       "đang nạp tài liệu: {n} văn bản chưa tìm được"),
    _e("index_behind", r"^the search index is behind the catalogue by (?P<n>\d+) documents: run `evidence reindex`$",
       "chỉ mục tìm kiếm thiếu {n} văn bản so với danh mục: chạy `evidence reindex`"),
    _e("index_empty", r"^the search index is empty: ingest documents first$",
       "chỉ mục tìm kiếm trống: hãy nạp tài liệu trước (`evidence ingest THƯ_MỤC`)"),
    _e("search_empty", r"^empty query: type some words, a document number or a filter$",
       "câu tìm kiếm trống: hãy gõ vài từ, một số ký hiệu hoặc một bộ lọc"),
    _e("search_no_words", r"^nothing to search for: no letter or digit in the query$",
       "câu tìm kiếm không có chữ hay số nào để tìm"),
    _e("unknown_doc_type", r"^unknown document type \(known codes: (?P<l>.*)\)$",
       "loại văn bản không có trong bảng mã; các mã dùng được: {l}"),
    # --- per-file failures and errors
    _e("empty_file", r"^empty file \(0 bytes\)$", "tệp rỗng (0 byte)"),
    _e("whitespace_only", r"^text file holds only whitespace$", "tệp văn bản chỉ có khoảng trắng"),
    _e("pdf_no_pages", r"^PDF has no pages$", "tệp PDF không có trang nào"),
    _e("encrypted_pdf", r"^encrypted PDF \(password required\)$", "tệp PDF có mật khẩu"),
    _e("encrypted_zip", r"^encrypted ZIP entries \(password-protected archive\)$", "tệp nén có mật khẩu"),
    _e("encrypted_office", r"^password-protected (?:Office file(?: \(or an \.xls\))?|Word 97-2003 document)$",
       "tệp Office có mật khẩu"),
    _e("truncated_pdf", r"^truncated PDF \(end of file missing\)$", "tệp PDF bị cắt cụt (thiếu phần cuối)"),
    _e("corrupt", r"^corrupt (?P<k>PDF|DOCX|XLSX|ZIP archive|ZIP container)[:( ]*(?P<x>.*?)\)?$",
       "tệp {k} bị hỏng ({x})"),
    _e("truncated_zip", r"^truncated or corrupt (?P<k>.*?) ?\(?ZIP container: (?P<x>.*?)\)?$",
       "tệp {k} bị cắt cụt hoặc hỏng ({x})"),
    _e("not_docx", r"^not a readable DOCX package$", "không phải tệp DOCX đọc được"),
    _e("docx_no_main", r"^DOCX (?:without a main document part|document part has no body)$",
       "tệp DOCX thiếu phần nội dung chính"),
    _e("office_no_main", r"^Office package without its main part \((?P<x>.*)\)$", "tệp Office thiếu phần chính ({x})"),
    _e("not_image", r"^not a readable image$", "không phải ảnh đọc được"),
    _e("corrupt_image", r"^corrupt image(?: \((?P<x>.*)\))?$", "ảnh bị hỏng ({x})"),
    _e("truncated_image", r"^truncated image$", "ảnh bị cắt cụt"),
    _e("document_without_file", r"^document (?P<d>\S+?):? (?:has no file|no file info for (?P<p>.*))$",
       "văn bản {d} không còn thông tin tệp {p}"),
    _e("no_pixels", r"^frame (?P<f>\d+) has no pixels \((?P<x>.*)\)$", "khung ảnh {f} không có điểm ảnh ({x})"),
    _e("cannot_read", r"^cannot read(?: file)?: (?P<x>.*)$", "không đọc được tệp: {x}"),
    _e("libreoffice_failed", r"^LibreOffice could not read it \(damaged or password-protected\?\): ?(?P<x>.*)$",
       "LibreOffice không đọc được tệp (hỏng hoặc có mật khẩu?) {x}"),
    _e("libreoffice_timeout", r"^LibreOffice did not finish converting within (?P<s>\d+) s$",
       "LibreOffice không chuyển đổi xong trong {s} giây"),
    _e("install_libreoffice", r"^install libreoffice-writer-nogui to read \.doc files(?P<x>.*)$",
       "cần cài libreoffice-writer-nogui để đọc tệp .doc{x}"),
    _e("binary_text", r"^binary data \((?P<x>.*)\) in a text file$", "tệp văn bản chứa dữ liệu nhị phân ({x})"),
    _e("ocr_off_image", r"^image without text layer and OCR is off \(--ocr never\)$",
       "ảnh không có lớp chữ và OCR đang tắt (--ocr never)"),
    _e("ocr_off", r"^no text layer and OCR is off \(--ocr never\)$", "không có lớp chữ và OCR đang tắt (--ocr never)"),
    _e("ocr_timeout", r"^OCR timed out after (?P<s>\d+) s$", "OCR quá thời gian ({s} giây)"),
    _e("tesseract_failed", r"^tesseract failed \(exit (?P<c>\d+)\): ?(?P<x>.*)$", "Tesseract lỗi (mã {c}): {x}"),
    _e("tesseract_missing", r"^tesseract is not installed; install it with: (?P<x>.*)$",
       "chưa cài Tesseract; cài bằng: {x}"),
    _e("tesseract_cannot_run", r"^cannot run tesseract: (?P<e>.*); install it with: (?P<x>.*)$",
       "không chạy được Tesseract ({e}); cài bằng: {x}"),
    _e("no_readable_text", r"^no readable text(?P<x>.*)$", "không có chữ đọc được{x}"),
    _e("named_html", r"^named (?P<ext>\S+) but holds an HTML page, not a (?P<k>.*)$",
       "tên tệp là {ext} nhưng nội dung là trang HTML, không phải {k}"),
    _e("named_text", r"^named (?P<ext>\S+) but holds plain text, not a (?P<k>.*)$",
       "tên tệp là {ext} nhưng nội dung là văn bản thuần, không phải {k}"),
    _e("named_bytes", r"^named (?P<ext>\S+) but the bytes are not a (?P<k>.*?) ?(?P<x>\(.*\))?$",
       "tên tệp là {ext} nhưng nội dung không phải {k} {x}"),
    _e("word97_docx", r"^a Word 97-2003 file named \.docx(?P<x>.*)$", "tệp Word 97-2003 mang đuôi .docx"),
    _e("unsupported_text", r"^unsupported file type: (?P<ext>\S+) \(text data, not a document\)$",
       "không phải văn bản: tệp {ext} là dữ liệu chữ, không phải tài liệu"),
    _e("unsupported", r"^unsupported (?:file type|format):? (?P<x>.*)$", "định dạng không hỗ trợ: {x}"),
    _e("too_large_image", r"^image too large(?P<x>.*)$", "ảnh quá lớn{x}"),
    _e("text_too_large", r"^text file of (?P<n>\d+) MB(?P<x>.*)$", "tệp văn bản quá lớn ({n} MB){x}"),
    _e("zip_bomb", r"^(?:zip bomb|too large): (?P<x>.*)$", "tệp nén bất thường (nghi bom nén): {x}"),
    _e("too_many_pages", r"^(?P<n>\d+) (?P<k>pages|frames) \(limit (?P<l>\d+)\)$",
       "quá nhiều trang: {n} (giới hạn {l})"),
    _e("out_of_memory", r"^out of memory while parsing$", "hết bộ nhớ khi đọc tệp"),
    _e("timeout", r"^timed out after (?P<x>.*)$", "quá thời gian xử lý ({x})"),
    _e("file_timeout", r"^took longer than (?P<s>[\d.]+) s \(time limit per file; see --timeout\)$",
       "đọc quá {s} giây (giới hạn thời gian mỗi tệp; xem --timeout)"),
    _e("result_not_sent", r"^result could not be sent: (?P<x>.*)$", "không chuyển được kết quả: {x}"),
    _e("not_found", r"^no document matches$|^file not found$", "không tìm thấy"),
    _e("criteria_not_found", r"^(?P<n>.*): file not found$", "{n}: không tìm thấy tệp"),
    _e("criteria_unreadable", r"^(?P<n>.*): cannot read: (?P<x>.*)$", "{n}: không đọc được: {x}"),
    _e("criteria_yaml", r"^(?P<n>.*?): (?P<w>.*)YAML syntax error: (?P<x>.*)$", "{n}: {w} lỗi cú pháp YAML: {x}"),
    _e("pack_not_folder", r"^not a folder$", "không phải thư mục"),
    _e("pack_not_empty", r"^the folder is not empty \(use --force to write into it\)$",
       "thư mục không trống (dùng --force để ghi vào)"),
    _e("pack_outside", r"^refusing to write outside the pack: (?P<x>.*)$", "từ chối ghi ra ngoài hồ sơ: {x}"),
    _e("catalogue_unopenable", r"^cannot open the catalogue: (?P<x>.*)$", "không mở được danh mục: {x}"),
    _e("tantivy_missing", r"^the tantivy engine needs `pip install evidence\[tantivy\]`$",
       "bộ máy tantivy cần `pip install evidence[tantivy]`"),
    _e("unknown_engine", r"^unknown search engine (?P<x>\S+) \(use one of: (?P<l>.*)\)$",
       "không có bộ máy tìm kiếm {x} (chọn một trong: {l})"),
    _e("no_store", r"^no store here yet(?P<x>.*)$",
       "chưa có kho ở đây; hãy nạp tài liệu trước: `evidence ingest THƯ_MỤC`"),
    _e("index_busy", r"^busy: another evidence process is writing the search index(?P<x>.*)$",
       "bận: một tiến trình evidence khác (ingest hoặc reindex) đang ghi chỉ mục; thử lại khi nó xong"),
    _e("catalogue_damaged", r"^the catalogue is damaged or not an evidence catalogue \((?P<x>.*)\); it was left untouched$",
       "danh mục bị hỏng hoặc không phải danh mục của evidence ({x}); chưa bị sửa đổi"),
    _e("not_catalogue", r"^this file is not an evidence catalogue(?P<x>.*)$",
       "tệp này không phải danh mục của evidence; chưa bị sửa đổi"),
    _e("catalogue_version", r"^unknown catalogue schema version (?P<v>.*); it was left untouched$",
       "không rõ phiên bản danh mục {v}; chưa bị sửa đổi"),
    _e("catalogue_newer", r"^the catalogue has schema version (?P<v>\d+), newer than this evidence understands(?P<x>.*)$",
       "danh mục có phiên bản {v}, mới hơn bản evidence này; hãy nâng cấp evidence"),
    _e("catalogue_old", r"^the catalogue has old schema version (?P<v>\d+); no migration exists$",
       "danh mục có phiên bản cũ {v}, chưa có cách chuyển đổi"),
    _e("tesseract_no_lang", r"^tesseract has no (?P<l>\S+) language data; install it with: (?P<x>.*)$",
       "Tesseract chưa có dữ liệu ngôn ngữ {l}; cài bằng: {x}"),
    _e("index_stale", r"^the search index was built by another version(?P<x>.*)$",
       "chỉ mục tìm kiếm do phiên bản khác lập: chạy `evidence reindex` (danh mục không bị ảnh hưởng)"),
    _e("index_damaged", r"^the search index cannot be read \((?P<x>.*)\): run `evidence reindex`(?P<y>.*)$",
       "chỉ mục tìm kiếm không đọc được ({x}): chạy `evidence reindex` để dựng lại từ danh mục"),
    _e("docx_external_chunk", r"^embedded chunk outside the file not read \((?P<x>.*)\)$",
       "phần nhúng nằm ngoài tệp không được đọc ({x})"),
    _e("docx_missing_parts", r"^parts missing from the DOCX were left out: (?P<x>.*)$",
       "bỏ qua các phần không có trong tệp DOCX: {x}"),
    _e("pdf_claimed_pages", r"^(?P<p>.*): the PDF claims (?P<n>\d+) pages; only these exist$",
       "{p}: tệp PDF ghi có {n} trang; chỉ những trang này có thật"),
    _e("rebuild_interrupted", r"^a rebuild was interrupted: run `evidence reindex` to resume it$",
       "lần lập chỉ mục trước bị ngắt: chạy `evidence reindex` để làm tiếp"),
    _e("store_busy", r"^another `evidence ingest` is writing this store(?P<x>.*)$",
       "đang có một lần nạp khác (một lần `evidence ingest` khác đang ghi vào kho này); "
       "chờ nó xong rồi chạy lại"),
)

# stable codes that appear inside library messages, as an officer reads them
_WORDS = {
    "handwritten": "viết tay",
    "low_confidence": "OCR không chắc chắn",
    "stamp_only": "chỉ có trên dấu",
    "garbage_text": "lớp chữ hỏng",
    "conflict": "mâu thuẫn",
}

# the reasons a criteria catalogue is refused (check/criteria.py), as an officer reads them
CRITERIA: tuple[Entry, ...] = (
    _e("criteria_not_mapping", r"^the file is not a YAML mapping$", "tệp không phải một bảng YAML (mapping)"),
    _e("criteria_missing_version", r"^missing \(expected 1 or 2\)$", "thiếu (cần 1 hoặc 2)"),
    _e("criteria_bad_version", r"^unsupported value (?P<v>.*) \(expected 1 or 2\)$", "giá trị {v} không dùng được (cần 1 hoặc 2)"),
    _e("criteria_mapping", r"^must be a mapping(?P<x>.*)$", "phải là một bảng (mapping){x}"),
    _e("criteria_list", r"^must be a list(?: of (?P<x>.*))?$", "phải là một danh sách"),
    _e("criteria_not_year", r"^not a year: (?P<v>.*)$", "không phải năm: {v}"),
    _e("criteria_dup_area", r"^duplicate area code$", "mã lĩnh vực bị trùng"),
    _e("criteria_dup_code", r"^duplicate code$", "mã tiêu chí bị trùng"),
    _e("criteria_dup_id", r"^duplicate evidence id (?P<v>.*)$", "mã yêu cầu {v} bị trùng"),
    _e("criteria_missing", r"^missing or empty(?: \(expected (?P<x>.*)\))?$", "thiếu hoặc để trống"),
    _e("criteria_missing_words", r"^missing \(the words that name the figure\)$", "thiếu (các chữ gọi tên chỉ số)"),
    _e("criteria_unknown_area", r"^unknown area (?P<v>.*)$", "không có lĩnh vực {v}"),
    _e("criteria_unknown_group", r"^unknown group (?P<v>.*)$", "không có nhóm {v}"),
    _e("criteria_parent_prefix", r"^code does not start with the group code (?P<v>.*)$", "mã không bắt đầu bằng mã nhóm {v}"),
    _e("criteria_unknown_field_v2", r"^unknown field \(schema_version 2 only\)$", "trường lạ (chỉ có ở schema_version 2)"),
    _e("criteria_unknown_field", r"^unknown field$", "trường lạ"),
    _e("criteria_v1_keywords", r"^not in schema_version 2: use subject_(?P<s>\w+) .*$",
       "không còn ở schema_version 2: dùng subject_{s} (văn bản LÀ gì: loại và trích yếu), body_{s} "
       "(nội dung NÓI gì) hoặc subject_none"),
    _e("criteria_needs_id", r"^evidence\[(?P<j>\d+)\] needs an id(?P<x>.*)$", "yêu cầu evidence[{j}] cần có id (ví dụ \"1.1-a\")"),
    _e("criteria_unknown_type", r"^unknown document type code (?P<v>.*)$", "mã loại văn bản {v} không có trong bảng mã"),
    _e("criteria_before_after", r"^(?P<a>\S+) is before issued_after (?P<b>\S+)$", "{a} sớm hơn issued_after {b}"),
    _e("criteria_min_count", r"^must be an integer >= 1, got (?P<v>.*)$", "phải là số nguyên >= 1 (đang là {v})"),
    _e("criteria_op", r"^must be one of (?P<l>.*), got (?P<v>.*)$", "phải là một trong {l} (đang là {v})"),
    _e("criteria_not_number", r"^not a number: (?P<v>.*)$", "không phải số: {v}"),
    _e("criteria_needs_number", r"^a number is needed with op (?P<o>.*), got (?P<v>.*)$", "phép so sánh {o} cần một số (đang là {v})"),
    _e("criteria_string_code", r"^must be a string such as \"1\.1\", got (?P<v>.*)$", "phải là chuỗi như \"1.1\" (đang là {v})"),
    _e("criteria_dotted", r"^not a dotted code: (?P<v>.*)$", "không phải mã dạng 1.2.3: {v}"),
    _e("criteria_text", r"^must be text, got (?P<v>.*)$", "phải là chữ (đang là {v})"),
    _e("criteria_strings", r"^must be a list of strings, got (?P<v>.*)$", "phải là danh sách chuỗi (đang là {v})"),
    _e("criteria_nonempty", r"^every entry must be non-empty text, got (?P<v>.*)$", "mỗi mục phải là chữ, không để trống (đang là {v})"),
    _e("criteria_number_ge0", r"^must be a number >= 0, got (?P<v>.*)$", "phải là số >= 0 (đang là {v})"),
    _e("criteria_bool", r"^must be true or false, got (?P<v>.*)$", "phải là true hoặc false (đang là {v})"),
    _e("criteria_date", r"^not a date \(YYYY-MM-DD or DD/MM/YYYY\): (?P<v>.*)$",
       "không phải ngày có thật dạng YYYY-MM-DD hoặc DD/MM/YYYY: {v}"),
    _e("criteria_string", r"^must be a string, got (?P<v>.*)$", "phải là chuỗi (đang là {v})"),
)


def _render(entries: tuple[Entry, ...], text: str) -> tuple[str, str] | None:
    """``(code, Vietnamese)`` from the first entry whose pattern matches ``text``."""
    for entry in entries:
        m = entry.pattern.search(text)
        if m:
            groups = {k: _WORDS.get((v or "").strip(), (v or "").strip())
                      for k, v in m.groupdict().items()}
            out = entry.vi.format(**groups)
            return entry.code, re.sub(r"\s+([,)])|\(\s*\)|\s{2,}", _tidy, out).strip()
    return None


def translate_criteria(reason: str) -> str:
    """The Vietnamese of why a criteria catalogue is refused (the reason part only)."""
    found = _render(CRITERIA, reason)
    return found[1] if found else reason


_VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


@lru_cache(maxsize=4096)
def translate(message: str) -> tuple[str, str]:
    """``(code, Vietnamese text)`` of a library message. A message that is already
    Vietnamese keeps its text (code ``vi``); one no pattern knows is returned as it is
    under the code ``other``."""
    text = unicodedata.normalize("NFC", message.strip())
    return _render(LIBRARY, text) or (("vi" if _VIETNAMESE.search(text) else "other"), text)


def _tidy(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1)
    return "" if m.group(0).startswith("(") else " "


def translate_all(messages: list[str]) -> tuple[list[str], list[str]]:
    """Vietnamese texts and codes of a list of library messages, in order."""
    pairs = [translate(m) for m in messages]
    return [p[1] for p in pairs], [p[0] for p in pairs]


# ---- click's own strings ----------------------------------------------------------------

CLICK: dict[str, str] = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Aborted!": "Đã hủy.",
    "Error: {message}": "error: {message}",
    "Try '{command} {option}' for help.": "Xem '{command} {option}' để biết cách dùng.",
    "Missing argument": "thiếu đối số",
    "Missing option": "thiếu tùy chọn",
    "Missing parameter": "thiếu tham số",
    "Missing command.": "thiếu lệnh.",
    "Missing parameter: {param_name}": "thiếu tham số: {param_name}",
    "Missing {param_type}": "thiếu {param_type}",
    "No such command {name!r}.": "không có lệnh {name!r}.",
    "No such option {name!r}.": "không có tùy chọn {name!r}.",
    "No such option: {name}": "không có tùy chọn: {name}",
    "Option {name!r} does not take a value.": "tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "tùy chọn {name!r} cần {nargs} giá trị.",
    "Argument {name!r} takes {nargs} values.": "đối số {name!r} nhận {nargs} giá trị.",
    "Invalid value for {param_hint}: {message}": "giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "giá trị không hợp lệ: {message}",
    "Got unexpected extra argument ({args})": "thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "thừa các đối số ({args})",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Possible options: {possibilities})": "(Các tùy chọn có thể: {possibilities})",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc các giá trị {choices}.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    # click fills {name} with the English name ("Path", "File") its types took at import,
    # before this catalogue is installed: the Vietnamese names the path alone
    "{name} {filename!r} does not exist.": "{filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{filename!r} là thư mục.",
    "{name} {filename!r} is a file.": "{filename!r} là tệp.",
    "{name} {filename!r} is not readable.": "{filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{filename!r} không ghi được.",
    "{name} {filename!r} is not executable.": "{filename!r} không chạy được.",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
}


def _click_gettext(message: str) -> str:
    return CLICK.get(message, message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return _click_gettext(singular if n == 1 else plural)


def install_click_translation() -> None:
    """Make click speak Vietnamese: click looks its strings up through the module-level
    ``_``/``ngettext`` names it imports from :mod:`gettext`; bind them to this catalogue."""
    import importlib

    for name in ("core", "exceptions", "types", "decorators", "formatting", "parser",
                 "termui", "utils"):
        mod = importlib.import_module(f"click.{name}")
        if hasattr(mod, "_"):
            mod._ = _click_gettext  # type: ignore[attr-defined]
        if hasattr(mod, "ngettext"):
            mod.ngettext = _click_ngettext  # type: ignore[attr-defined]
