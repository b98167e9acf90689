"""Files -> documents: format parsers, OCR, legacy-font conversion, batch ingest."""
