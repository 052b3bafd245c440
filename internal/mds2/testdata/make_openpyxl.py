#!/usr/bin/python3
"""Writes testdata/synthetic-openpyxl.xlsx: a SYNTHETIC MDS2 (HN 1-2019
layout) workbook for a fictitious device, written with openpyxl so that
the reader is tested against another writer than its own tests'
(excelize). The question texts are mdcheck's own short wording, not
NEMA's. Run: /usr/bin/python3 internal/mds2/testdata/make_openpyxl.py
(Debian's python3-openpyxl)."""

import datetime
import os
import openpyxl

wb = openpyxl.Workbook()
cover = wb.active
cover.title = "Cover"
cover["A1"] = "Synthetic MDS2 for tests - fictitious device"
ws = wb.create_sheet("MDS2 2019")
ws["A1"] = "SYNTHETIC TEST FORM"
ws["A2"] = "Manufacturer Disclosure Statement for Medical Device Security -- MDS2 (HN 1-2019 layout)"
ws.merge_cells("A2:G2")
# Columns moved one to the right of the usual layout: ID in B, answer in D.
ws["B5"], ws["C5"], ws["D5"], ws["E5"] = "Question ID", "Question", "Answer", "Note"
rows = [
    ("DOC-1", "manufacturer", "Example Medical GmbH", "__"),
    ("DOC-2", "device description", "Bedside infusion pump", "__"),
    ("DOC-3", "model", "EX-200", "__"),
    ("DOC-4", "document ID", "EX-MDS2-7", "__"),
    ("DOC-7", "release date", datetime.date(2025, 3, 14), "__"),
    None,
    ("MPII-1", "handles personal data", "Yes", "__"),
    ("ALOF-1", "logs off after inactivity", "yes ", "__"),
    ("AUTH-1", "requires log-in", "Yes", "__"),
    ("EMRG-1", "emergency access", "No", "Note 1"),
    ("PAUT-1", "unique accounts", "Yes, optional", "__"),
    ("PAUT-6", "default accounts changeable", "N/A", "__"),
    ("TXCF-2", "transmissions encrypted", "See Note", "Note 2"),
    ("STCF-1", "storage encrypted", "NO", "__"),
    ("SBOM-1", "SBOM available", "Yes", "__"),
    ("CONN-1", "network capable", "Yes", "__"),
    ("RMOT-1", "remote service", "No", "__"),
    ("SHAD-15", "no boot from removable media", "Yes", "__"),
    ("CSUP-1", "security updates", "Maybe", "__"),
]
r = 6
for row in rows:
    if row is None:
        r += 2
        continue
    ws.cell(row=r, column=2, value=row[0])
    ws.cell(row=r, column=3, value=row[1])
    ws.cell(row=r, column=4, value=row[2])
    ws.cell(row=r, column=5, value=row[3])
    r += 1
r += 1
ws.cell(row=r, column=2, value="Note 1")
ws.cell(row=r, column=3, value="Emergency access is given by the service PIN on the label.")
ws.cell(row=r + 1, column=2, value="Note 2")
ws.cell(row=r + 1, column=3, value="TLS 1.2 to the drug library server; HL7 to the PDMS is cleartext.")
wb.create_sheet("Revision history")["A1"] = "v1"
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "synthetic-openpyxl.xlsx")
wb.save(out)
print(out)
