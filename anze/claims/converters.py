"""The 报案号 in URLs: BA + 18 digits (``reports.new_report_no``)."""


class ReportNoConverter:
    regex = r"BA[0-9]{18}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
