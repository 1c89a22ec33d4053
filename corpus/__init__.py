"""Parse budget-performance filings (txt, docx, pdf, xlsx) into typed records and store them."""
