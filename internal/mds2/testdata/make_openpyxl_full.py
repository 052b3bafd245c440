#!/usr/bin/python3
"""Writes testdata/synthetic-openpyxl-full.xlsx: a SYNTHETIC, complete MDS2
(HN 1-2019 layout) for a fictitious video recorder, written with openpyxl
as a vendor's form looks: every section with a header and a description
row, all 240 questions, reference columns, notes spanning lines, and the
deviations vendors' files show (a blank copy of the form on an earlier
sheet, an en dash and a non-breaking space in IDs, the form's own SHAD-15,
"N.A.", "Yes*", several notes in one reference, a date written as text,
the version beside the model). Question wording is mdcheck's own, read
from internal/mds2/hn2019/hn2019.go; none of NEMA's text.
Run: /usr/bin/python3 internal/mds2/testdata/make_openpyxl_full.py
(Debian's python3-openpyxl)."""

import os
import re
import openpyxl

here = os.path.dirname(os.path.abspath(__file__))
src = open(os.path.join(here, "..", "hn2019", "hn2019.go"), encoding="utf-8").read()
sections = re.findall(r'^\t\{"([A-Z]+)", "([^"]+)"\},$', src, re.M)
questions = re.findall(r'^\t\{"([A-Z]+-[0-9.]+)", "([^"]+)", (YesNo|Text|Date)\},$', src, re.M)
assert len(sections) == 23 and len(questions) == 240, (len(sections), len(questions))

description = {
    "DOC-1": "Example Imaging Inc.",
    "DOC-2": "Surgical video recorder",
    "DOC-3": "VR-400, VR-410 (software 3.1.4)",
    "DOC-4": "EX-MDS2-VR-2019",
    "DOC-5": "security@example.com",
    "DOC-6": "Sends recordings to PACS; optional worklist",
    "DOC-7": "10/9/2019",
}
# Answers to the questions mdcheck relates to the model; every other
# question gets a word by a fixed pattern.
answers = {
    "DOC-8": "Yes", "DOC-11": "No", "MPII-1": "Yes, optional", "ALOF-1": "Yes", "AUDT-2": "Yes", "AUDT-2.9": "Yes",
    "AUDT-4.1": "Yes", "AUDT-5": "Yes", "AUDT-7": "Yes*", "AUTH-1": "Yes", "AUTH-2": "Yes", "CSUP-1": "Yes",
    "CSUP-8": "No", "DIDT-1": "Yes", "DTBK-5": "Yes", "EMRG-1": "Yes", "MLDP-1": "No", "MLDP-2": "No",
    "MLDP-4": "Yes", "NAUT-1": "Yes", "CONN-1.1": "No", "CONN-1.1.1": "No", "CONN-1.1.2": "No", "CONN-1.2.1": "Yes",
    "CONN-1.2.2": "Yes", "CONN-1.2.3": "No", "CONN-3": "Yes", "CONN-4": "No", "CONN-7": "Yes", "PAUT-1": "Yes",
    "PAUT-3": "No", "PAUT-4": "N.A.", "PAUT-8": "No", "PAUT-11": "No", "PAUT-12": "No", "RDMP-3": "Yes",
    "SBOM-1": "No", "SBOM-4": "Yes", "SAHD-3.1": "Yes", "SAHD-3.2": "Yes", "SAHD-11": "Yes", "STCF-1": "No",
    "TXCF-2": "See Note", "TXCF-4": "No", "TXIG-1": "No",
}
notes = {
    "EMRG-1": "Note 1",
    "TXCF-2": "Notes 2 and 3",
    "STCF-1": "Note 3",
}
spelled = {"AUTH-2": "AUTH\u20132", "PAUT-1": "PAUT-1\u00a0", "SAHD-15": "SHAD-15"}
pattern = ["Yes", "No", "N/A", "No", "Yes"]

wb = openpyxl.Workbook()
blank = wb.active
blank.title = "Blank form"
filled = wb.create_sheet("MDS2 VR-400")
for ws in (blank, filled):
    ws["A1"] = "SYNTHETIC TEST FORM - fictitious device"
    ws["A2"] = "Manufacturer Disclosure Statement for Medical Device Security -- MDS2 (HN 1-2019 layout)"
    ws.merge_cells("A2:G2")
    for col, head in enumerate(["Question ID", "Question", "Answer", "Note #", "IEC TR 80001-2-2:2012", "NIST SP 800-53 Rev. 4", "ISO 27002:2013"], 1):
        ws.cell(row=5, column=col, value=head)

r = 6
sec = None
for i, (qid, about, kind) in enumerate(questions):
    code = qid.split("-")[0]
    if code != sec:
        sec = code
        title = dict(sections)[code]
        for ws in (blank, filled):
            ws.cell(row=r, column=2, value="%s (%s)" % (title.upper(), code))
            ws.cell(row=r + 1, column=2, value="Synthetic description of the %s section." % code)
        r += 2
    shown = spelled.get(qid, qid)
    for ws in (blank, filled):
        ws.cell(row=r, column=1, value=shown)
        ws.cell(row=r, column=2, value=about)
        ws.cell(row=r, column=5, value="REF-%s" % code)
    if kind != "YesNo":
        value = description[qid] if qid in description else None
    else:
        value = answers.get(qid, pattern[i % len(pattern)])
    if value is not None:
        filled.cell(row=r, column=3, value=value)
    filled.cell(row=r, column=4, value=notes.get(qid, "__"))
    r += 1

r += 1
filled.cell(row=r, column=1, value="Note 1")
filled.cell(row=r, column=2, value="Break-glass log-in with a sealed\nemergency card; every use is logged.")
filled.cell(row=r + 1, column=1, value="Note 2")
filled.cell(row=r + 1, column=2, value="HTTPS (TLS 1.2) for the remote API.")
filled.cell(row=r + 2, column=1, value="Note 3")
filled.cell(row=r + 2, column=2, value="DICOM to PACS is not encrypted; recordings are stored unencrypted.")
out = os.path.join(here, "synthetic-openpyxl-full.xlsx")
wb.save(out)
print(out)
