"""Bad files for the tests: each is what a real upload can be (a renamed file, a broken or hostile PDF)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from anze.documents import testing


def docx_bytes() -> bytes:
    """The start of a Word document: a ZIP archive, as a .docx renamed to .pdf is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<document>保单</document>")
    return buffer.getvalue()


def _rewrite(change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(testing.pdf_bytes())))
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript(code: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def encrypted_pdf() -> bytes:
    return _rewrite(lambda writer: writer.encrypt(user_password="123456", owner_password="owner"))


def pdf_with_open_action_javascript() -> bytes:
    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = _javascript("app.alert('hi');")

    return _rewrite(change)


def pdf_with_javascript_names_tree() -> bytes:
    def change(writer: PdfWriter) -> None:
        script = writer._add_object(_javascript("this.print();"))
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("s1"), script])})
        writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})

    return _rewrite(change)


def pdf_with_launch_link() -> bytes:
    """A link annotation that starts a program: no /JavaScript anywhere, only the action type /Launch."""

    def change(writer: PdfWriter) -> None:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(
                    [NumberObject(0), NumberObject(0), NumberObject(99)] * 1 + [NumberObject(99)]
                ),
                NameObject("/A"): DictionaryObject(
                    {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
                ),
            }
        )
        writer.add_annotation(page_number=0, annotation=link)

    return _rewrite(change)


def pdf_with_page_additional_action() -> bytes:
    """/AA on a page running a harmless-looking URI action: invisible to a scan for "/JavaScript"."""

    def change(writer: PdfWriter) -> None:
        uri = DictionaryObject(
            {
                NameObject("/S"): NameObject("/URI"),
                NameObject("/URI"): TextStringObject("http://example.test/"),
            }
        )
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): uri})

    return _rewrite(change)


def pdf_with_attachment() -> bytes:
    return _rewrite(lambda writer: writer.add_attachment("发票.exe", b"MZ\x90\x00"))


def _link(action: DictionaryObject) -> Callable[[PdfWriter], None]:
    def change(writer: PdfWriter) -> None:
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(
                    [NumberObject(0), NumberObject(0), NumberObject(99), NumberObject(99)]
                ),
                NameObject("/A"): action,
            }
        )
        writer.add_annotation(page_number=0, annotation=link)

    return change


def pdf_with_submit_form_link() -> bytes:
    """A link that sends the form's data away (/SubmitForm): no script, no name a byte scan looks for."""
    action = {
        NameObject("/S"): NameObject("/SubmitForm"),
        NameObject("/F"): TextStringObject("http://x.test/"),
    }
    return _rewrite(_link(DictionaryObject(action)))


def pdf_with_rich_media_execute_link() -> bytes:
    return _rewrite(_link(DictionaryObject({NameObject("/S"): NameObject("/RichMediaExecute")})))


def pdf_with_xfa_form() -> bytes:
    """An XFA form (its XML carries scripts for Acrobat) in the catalog's /AcroForm."""

    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
            {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}
        )

    return _rewrite(change)


def pdf_with_embedded_file_object() -> bytes:
    """An object of type /EmbeddedFile hung under a page by a key no reader knows."""

    def change(writer: PdfWriter) -> None:
        carried = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/EmbeddedFile")}))
        writer.pages[0][NameObject("/Carried")] = carried

    return _rewrite(change)


def pdf_opening_with_a_web_page() -> bytes:
    """/OpenAction that opens a web address (/URI) rather than a page: refused like any action on opening."""

    def change(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://x.test/")}
        )

    return _rewrite(change)


def pdf_opening_at_first_page() -> bytes:
    """/OpenAction [page /Fit]: what office suites write for "open at page 1, fit" — not active content."""

    def change(writer: PdfWriter) -> None:
        page = writer.pages[0].indirect_reference
        writer.root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])

    return _rewrite(change)


def pdf_without_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def pdf_with_escaped_javascript_name() -> bytes:
    """/OpenAction JavaScript with the action type written /J#61vaScript (a legal name escape), which a byte
    scan for "/JavaScript" misses. The script is shortened by as many bytes as the escape adds, so every xref
    offset stays right."""
    data = pdf_with_open_action_javascript()
    escaped = data.replace(b"/S /JavaScript", b"/S /J#61vaScript").replace(b"\\047hi\\047", b"\\047\\047")
    assert len(escaped) == len(data) and escaped != data
    return escaped
