"""Hostile XML documents, shared by the reader tests and the upload-path tests."""

CII_OPEN = (
    b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'
)

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE rsm:CrossIndustryInvoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + CII_OPEN
    + b"<rsm:ExchangedDocument>&xxe;</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
    + CII_OPEN
    + b"<rsm:ExchangedDocument>&lol9;</rsm:ExchangedDocument></rsm:CrossIndustryInvoice>"
)
