#!/usr/bin/env python3
"""Writes the labelled inventory that device-level advisory matching is
measured against (bench/icsma/labels.csv), from the CISA ICSMA advisories
of the shared data collection.

The labels are the ground truth, so they are made apart from mdcheck's
matcher: by this script's own, deliberately small reading of the version
text, which decides only the clearly written shapes (vers:all/*, one
version, <, <=, >, >= and their two-sided combinations over plain dotted
numbers). Every other text is labelled "review": a needs-review answer is
right there, and a confident answer is counted wrong.

Rows, for every product leaf of every advisory:
  exact     vendor and product as written, a version inside the range
  outside   the same, a version just outside (where the text decides one)
  alias     the vendor as an inventory would write it (aliases below,
            acquisitions included) and the product without the vendor's
            name or a parenthetical, a version inside
and a hand-written list of near misses (same vendor, a product no
advisory names) at the end of this file.

Columns: vendor,product,version,expected,review,kind,source
  expected  advisories (tracking IDs, ";"-separated) a high or medium
            answer must name
  review    advisories for which only a needs-review answer is right
Run from the repository root:
  python3 bench/icsma/make_labels.py ../shared/data/csaf/cisa-icsma > bench/icsma/labels.csv
"""

import csv
import glob
import json
import os
import re
import sys

# How inventories write these vendors (and who bought whom). Only the
# vendor's own public names; a row per alias.
VENDOR_ALIASES = {
    "Philips": "Philips Healthcare",
    "Phillips": "Philips",
    "Becton, Dickinson and Company (BD)": "BD",
    "GE Healthcare": "GE HealthCare",
    "Medtronic": "Medtronic plc",
    "Medtronic ": "Medtronic",
    "Baxter": "Baxter International Inc.",
    "Hillrom": "Hill-Rom",
    "St. Jude Medical": "Abbott",
    "Abbott Laboratories": "Abbott",
    "B. Braun": "B. Braun Melsungen AG",
    "B. Braun Medical": "B. Braun",
    "Smiths Medical": "Smiths Medical ASD, Inc.",
    "Siemens": "Siemens Healthineers",
    "Fresenius Kabi": "Fresenius Kabi AG",
    "Natus Medical, Inc. (Natus)": "Natus Medical",
    "BIOTRONIK": "Biotronik SE & Co. KG",
    "Boston Scientific": "Boston Scientific Corporation",
    "Illumina": "Illumina, Inc.",
    "Spacelabs": "Spacelabs Healthcare",
}

NUM = r"[0-9]+(?:\.[0-9]+)*"

# One company under its several names in the advisories: misspellings,
# legal names and acquisitions (Hillrom and Welch Allyn are Baxter's, St.
# Jude Medical is Abbott's). Used to tell which advisories name the same
# product; the inventory rows keep the names as written.
COMPANY = {
    "phillips": "philips",
    "medtronic": "medtronic",
    "b. braun medical": "b. braun",
    "hillrom": "baxter",
    "st. jude medical": "abbott",
    "abbott laboratories": "abbott",
}


def company(vendor):
    v = vendor.strip().lower()
    return COMPANY.get(v, v)


# Products two advisories name differently, checked by hand: "PC" is
# BD's abbreviation of "Point-of-Care" for the Alaris 8015 unit.
SAME_PRODUCT = {
    "BD Alaris Point-of-Care Unit (PCU) Model 8015": "Alaris PC Unit Model 8015",
}


def product_key(product, vendor):
    """The same product whatever the word order, the vendor's name in
    front, a parenthetical, or case."""
    product = SAME_PRODUCT.get(product, product)
    words = re.sub(r"[^a-z0-9]+", " ", short_product(product, vendor).lower()).split()
    drop = {"model", "the"} | set(re.sub(r"[^a-z0-9]+", " ", vendor.lower()).split())
    return " ".join(sorted(w for w in words if w not in drop))


def parse_version(v):
    return tuple(int(x) for x in v.split("."))


def bump(v, d):
    """v with its last component moved by d (d=-1 may borrow nothing)."""
    parts = list(parse_version(v))
    parts[-1] += d
    if parts[-1] < 0:
        return None
    return ".".join(str(p) for p in parts)


def decide(text):
    """(inside, outside) versions for clearly written constraints; None
    when the text is not one of the clear shapes. outside may be None
    when nothing lies outside (vers:all/*)."""
    t = text.strip()
    if t == "vers:all/*":
        return ("1.0", None)
    if re.fullmatch(NUM, t):
        return (t, bump(t, 1))
    m = re.fullmatch(r"(<=|<|>=|>)\s*(" + NUM + r")", t)
    if m:
        op, v = m.groups()
        if op == "<=":
            return (v, bump(v, 1))
        if op == "<":
            inside = bump(v, -1)
            return (inside, v) if inside else None
        if op == ">=":
            return (v, bump(v, -1))
        if op == ">":
            return (bump(v, 1), v)
    m = re.fullmatch(r">=\s*(" + NUM + r")\s*\|\s*(<=|<)\s*(" + NUM + r")", t)
    if m:
        lo, op, hi = m.groups()
        if parse_version(lo) >= parse_version(hi):
            return None
        return (lo, bump(hi, 1) if op == "<=" else hi)
    return None


def leaves(branches, path, out):
    for b in branches:
        p = path + [(b.get("category"), b.get("name", ""))]
        if "branches" in b:
            leaves(b["branches"], p, out)
        else:
            out.append(p)


def short_product(product, vendor):
    """The product as an inventory might shorten it: without the vendor's
    name in front and without a parenthetical."""
    s = product
    for w in [vendor.strip(), vendor.split(",")[0].strip(), vendor.split()[0]]:
        if w and s.lower().startswith(w.lower() + " "):
            s = s[len(w) + 1:]
            break
    s = re.sub(r"\s*\([^)]*\)", "", s).strip()
    return s


def main(folder):
    items = []  # (tracking id, file, vendor, product, version text)
    for f in sorted(glob.glob(os.path.join(folder, "*", "*.json"))):
        d = json.load(open(f, encoding="utf-8"))
        tid = d["document"]["tracking"]["id"]
        out = []
        leaves(d.get("product_tree", {}).get("branches", []), [], out)
        for p in out:
            vendor = next((n for c, n in p if c == "vendor"), "")
            product = " ".join(n for c, n in p if c in ("product_family", "product_name"))
            ver = next((n for c, n in p if c in ("product_version", "product_version_range")), "")
            if not vendor or not product:
                continue
            items.append((tid, os.path.relpath(f, folder), vendor, product, ver))

    def labels(vendor, product, version):
        """Advisories a row should be found in, and those only a review
        answer suits: every advisory naming this vendor and product."""
        exp, rev = [], []
        for tid, _, v, p, text in items:
            if company(v) != company(vendor) or product_key(p, v) != product_key(product, vendor):
                continue
            d = decide(text)
            if d is None:
                if tid not in rev:
                    rev.append(tid)
                continue
            inside, outside = d
            if version == inside or (outside is None) or _within(version, text):
                if tid not in exp:
                    exp.append(tid)
        return exp, [r for r in rev if r not in exp]

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["vendor", "product", "version", "expected", "review", "kind", "source"])
    seen = set()

    def row(vendor, product, version, kind, source, exp, rev):
        key = (vendor, product, version)
        if key in seen:
            return
        seen.add(key)
        w.writerow([vendor, product, version, ";".join(exp), ";".join(rev), kind, source])

    for tid, f, vendor, product, text in items:
        d = decide(text)
        if d is None:
            # Unclear text: a version as an inventory would have it; only
            # a needs-review answer is right.
            exp, rev = labels(vendor, product, "1.0")
            row(vendor.strip(), product, "1.0", "exact-unclear", f, exp, rev)
            continue
        inside, outside = d
        exp, rev = labels(vendor, product, inside)
        row(vendor.strip(), product, inside, "exact", f, exp, rev)
        if outside is not None:
            exp, rev = labels(vendor, product, outside)
            row(vendor.strip(), product, outside, "outside", f, exp, rev)
        alias = VENDOR_ALIASES.get(vendor)
        short = short_product(product, vendor)
        if alias or short != product:
            exp, rev = labels(vendor, product, inside)
            row(alias or vendor.strip(), short, inside, "alias", f, exp, rev)

    for vendor, product, version, exp, rev, why in NEAR_MISSES:
        row(vendor, product, version, "near-miss", why, [exp] if exp else [], [rev] if rev else [])


def _within(version, text):
    """Whether version satisfies a clear constraint text."""
    if version is None:
        return False
    t = text.strip()
    if t == "vers:all/*":
        return True
    try:
        v = parse_version(version)
    except ValueError:
        return False
    if re.fullmatch(NUM, t):
        return v == parse_version(t)
    m = re.fullmatch(r"(<=|<|>=|>)\s*(" + NUM + r")", t)
    if m:
        op, b = m.groups()
        b = parse_version(b)
        return {"<=": v <= b, "<": v < b, ">=": v >= b, ">": v > b}[op]
    m = re.fullmatch(r">=\s*(" + NUM + r")\s*\|\s*(<=|<)\s*(" + NUM + r")", t)
    if m:
        lo, op, hi = m.groups()
        return parse_version(lo) <= v and (v <= parse_version(hi) if op == "<=" else v < parse_version(hi))
    return False


# Products of the advisories' vendors that no advisory here names: a
# confident match of any of them is wrong. Written by hand from the
# vendors' public product lines.
NEAR_MISSES = [
    # vendor, product, version, expected, review, why
    ("Philips", "IntelliVue MX850", "M.00", "", "ICSMA-20-254-01", "inside the model range MX400-MX850 of ICSMA-20-254-01, whose version (<=N) is vendor-style"),
    ("Philips", "Azurion 7 M20", "2.1", "", "", "interventional X-ray; no advisory here"),
    ("Philips", "EPIQ 7", "9.0", "", "", "ultrasound; no advisory here"),
    ("Philips", "Efficia CM120", "1.5", "", "", "patient monitor; no advisory here"),
    ("GE HealthCare", "Revolution Apex", "1.0", "", "", "CT; ICSMA-20-343-01 names Revolution EVO, HD, HACT and ACTs only"),
    ("GE HealthCare", "Voluson E10", "22.0", "", "ICSMA-20-049-02", "ICSMA-20-049-02 names the family: Voluson, not including ImageVault"),
    ("GE HealthCare", "Venue Go", "2.0", "", "ICSMA-20-049-02", "ICSMA-20-049-02 names the family: Venue, not including Venue 40 R1-3 and Venue 50 R4-5"),
    ("GE HealthCare", "CARESCAPE B850", "3.0", "", "", "patient monitor; no advisory here"),
    ("BD", "BD FACSLyric", "1.4", "", "ICSMA-19-029-02", "ICSMA-19-029-02 names FACSLyric IVD and Research Use Only by their Windows 10 release"),
    ("BD", "BD Veritor Plus System", "5.0", "", "", "analyser; no advisory here"),
    ("Becton, Dickinson and Company (BD)", "BD Alaris 8015 PC Unit", "12.5", "", "", "after ICSMA-23-194-01 (<=12.1.3) and ICSMA-20-317-01 (<= 9.33.1)"),
    ("Medtronic", "MiniMed 780G", "1.0", "", "", "insulin pump; advisories name older MiniMed models"),
    ("Medtronic", "Micra AV", "1.0", "", "", "leadless pacemaker; no advisory here"),
    ("Medtronic", "Puritan Bennett 980", "1.0", "", "", "ventilator; no advisory here"),
    ("Baxter", "Spectrum IQ Infusion System", "9.0", "", "", "ICSMA-20-170-04 names Spectrum v6.x and v8.x"),
    ("Hillrom", "Centrella Smart+ Bed", "1.0", "", "", "bed; no advisory here"),
    ("Illumina", "NovaSeq X", "1.0", "", "", "a sequencer; ICSMA-23-117-01 names NovaSeq control software"),
    ("Spacelabs", "Xprezzon", "2.0", "", "", "monitor; no advisory here"),
    ("Siemens Healthineers", "MAGNETOM Vida", "XA50", "", "", "MRI; no advisory here"),
    ("Abbott", "FreeStyle Libre 3", "1.0", "", "", "glucose sensor; no advisory here"),
    ("Fresenius Kabi", "Volumat MC Agilia", "5.0", "", "", "pump; ICSMA-21-355-01 names Agilia Connect, Partner and Link+"),
    ("B. Braun", "Space GlucoseControl", "1.0", "", "", "no advisory here; ICSMA-17-082-02 names SpaceStation"),
    ("Smiths Medical", "Medfusion 4000", "1.7", "", "", "ICSMA-17-250-02A names versions 1.1, 1.5 and 1.6"),
    ("Stryker", "LIFEPAK 35", "1.0", "", "", "defibrillator; no advisory here"),
    ("ZOLL", "X Series Advanced", "1.0", "", "", "defibrillator; no advisory here"),
    ("Insulet", "Omnipod 5", "1.0", "", "", "another product than ICSMA-20-079-01's Omnipod Insulin Management System"),
    ("Boston Scientific", "LATITUDE Programming System 3300", "1.0", "", "", "another product than the ZOOM LATITUDE PRM Model 3120"),
    ("BIOTRONIK", "Amvia Sky", "1.0", "", "", "pacemaker; no advisory here"),
]

if __name__ == "__main__":
    main(sys.argv[1])
