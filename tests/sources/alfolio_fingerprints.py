"""Fingerprints of the al-folio template's demo files over its history (run once; output committed).

    python tests/sources/alfolio_fingerprints.py REPO TIP > kg/sources/alfolio_template.json

REPO is a git directory holding the template's history (a fork's clone will do), TIP a template commit."""
import hashlib, json, re, subprocess, sys
import bibtexparser, yaml

from kg.sources.alfolio_template import item_fingerprint as _item_fingerprint
from kg.sources.readers import located as _located

repo, tip = sys.argv[1], sys.argv[2]
def git(*a): return subprocess.run(["git", "-C", repo, *a], capture_output=True, text=True).stdout
def norm(text): return " ".join(text.split())
files, titles, owners, items = set(), set(), set(), set()
for commit in git("log", "--format=%H", tip, "--", "assets/json/resume.json", "_data/cv.yml", "_projects", "_news",
                  "_bibliography/papers.bib", "_config.yml").split():
    for path in git("ls-tree", "-r", "--name-only", commit, "--", "assets/json/resume.json", "_data/cv.yml",
                    "_projects", "_news", "_bibliography/papers.bib", "_config.yml").split("\n"):
        if not path:
            continue
        text = git("show", f"{commit}:{path}")
        if path == "_config.yml":
            try:
                c = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            name = " ".join(str(c.get(k) or "") for k in ("first_name", "middle_name", "last_name")).split() \
                or str(c.get("name") or "").split()
            owners.add(" ".join(name))
        elif path.endswith(".bib"):
            for e in bibtexparser.parse_string(text).entries:
                t = e.fields_dict.get("title")
                if t:
                    titles.add(f"{e.key}|{norm(re.sub(r'[{}]', '', str(t.value))).casefold()}")
        else:
            files.add(hashlib.sha256(norm(text).encode()).hexdigest()[:24])
            if path == "_data/cv.yml":
                try:
                    tree = _located(yaml.compose(text, Loader=yaml.SafeLoader))
                except yaml.YAMLError:
                    continue
                sections = tree.get("cv", {}).get("sections", {}).values() if isinstance(tree, dict) else [
                    s.get("contents") for s in tree or [] if isinstance(s, dict)]
                for entries in sections:
                    items.update(_item_fingerprint(e) for e in entries or [] if isinstance(e, dict))
json.dump({"about": "Demo content of the al-folio template (alshedivat/al-folio, MIT), every version from "
                    f"2015 to {git('log', '-1', '--format=%cs', tip).strip()} (commit {tip}): the owner names its "
                    "_config.yml gave, sha256 (first 24 hex) of its demo CV, project and news files with whitespace "
                    "collapsed, its demo bibliography as key|title, and each item of its demo _data/cv.yml (either "
                    "form), for a CV edited in part. Made by tests/sources/alfolio_fingerprints.py.",
           "owners": sorted(o for o in owners if o), "files": sorted(files), "entries": sorted(titles),
           "cv_items": sorted(items)},
          sys.stdout, indent=0, ensure_ascii=False)
