"""A deterministic synthetic institute as N-Triples, in the vocabulary `kg build` produces (docs/model.md).

    python bench/generate.py --triples 1000000 --out /tmp/institute-1m [--base http://127.0.0.1:8000/] [--plain]

The folder holds several `.nt` files (an institute file with its organization, units, topics, projects and
initiatives; then people and papers in files of about half a million triples); `kg build --content FOLDER`
loads them like any RDF source, each file its own named graph. The same size and seed give the same bytes.

What it holds, scaled to the size asked (about 100 triples per person):
- `resume.json` naming the owner (the builder needs one), who is person 1 of the people files;
- a university with faculties and labs (`schema:parentOrganization` / `schema:subOrganization`);
- people (`schema:Person` + `foaf:Person`, names, interests), each with positions over time (schema.org Role
  pattern: EmployeeRole with roleName, startDate, endDate) and a PhD (`schema:alumniOf` OrganizationRole);
  person 1 is the profile's owner (`kg:Owner`);
- papers (`schema:ScholarlyArticle`) with title and headline, date, abstract, arXiv topics, source unit, and
  their authors in order (`schema:author` + `foaf:maker`/`foaf:made`, and `kg:authorship` nodes
  `{paper}#author-{n}` with `schema:position`), co-authors drawn mostly from the same lab;
- projects (`schema:Project` + `foaf:Project`, members) and initiatives (`kg:Initiative`, memberships).

With `--plain` the folder is plain schema.org as another tool would publish it, which `kg build --content`
normalises (kg.build.foreign): no FOAF twins, no `kg:` terms and no resume.json; a `schema:ProfilePage` whose
`schema:mainEntity` is the owner; positions as `schema:OrganizationRole` blank nodes under `schema:worksFor` /
`schema:alumniOf` / `schema:memberOf`; authors in order as `schema:author` -> `schema:Role` blank nodes with
`schema:author` and `schema:position` (every tenth paper as an `rdf:List` instead, every twenty-fifth with no
order at all).

Each paper's abstract carries one rare word `kw{n}` (about five papers share one), so text search can be
measured on a selective query at every size.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

S = "https://schema.org/"
F = "http://xmlns.com/foaf/0.1/"
K = "https://w3id.org/scholarly-kg/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
FILE_TRIPLES = 500_000
TRIPLES_PER_PERSON = 100  # measured: what one person with their share of papers, roles and projects adds
TRIPLES_PER_PERSON_PLAIN = 75  # the same in plain schema.org (no FOAF twins, Role nodes for authors)

FIRST = ("Ada Alan Alex Amina Ana Ari Ben Bo Carla Chen Dana Dev Eli Emma Eva Farah Femi Gus Hana Ines Ivan Jae "
         "Jon Kai Kim Lea Leo Li Lina Luca Mei Mia Nadia Nils Noor Omar Pia Raj Rosa Sam Sara Tao Tom Uma Vera "
         "Wei Yara Yuki Zoe").split()
LAST = ("Abe Bauer Costa Diaz Eze Fischer Garcia Haddad Ito Jansen Kim Kowalski Larsen Lopez Martin Moreau "
        "Nakamura Novak Okafor Park Patel Quinn Rossi Sato Schmidt Silva Singh Tanaka Traore Urban Vargas Wang "
        "Weber Xu Yilmaz Zhang").split()
TOPICS = [("cs.LG", "Machine Learning"), ("cs.AI", "Artificial Intelligence"), ("cs.CV", "Computer Vision"),
          ("cs.CL", "Computation and Language"), ("stat.ML", "Machine Learning (Statistics)"),
          ("q-bio.NC", "Neurons and Cognition"), ("physics.ao-ph", "Atmospheric and Oceanic Physics"),
          ("cond-mat.mtrl-sci", "Materials Science"), ("q-bio.BM", "Biomolecules"), ("cs.NE", "Neural Computing"),
          ("cs.RO", "Robotics"), ("math.OC", "Optimization and Control"), ("cs.IR", "Information Retrieval"),
          ("cs.CY", "Computers and Society"), ("eess.SP", "Signal Processing"), ("cs.DS", "Data Structures")]
WORDS = ("learning neural network graph climate model data protein quantum energy vision language robust causal "
         "inference generative diffusion flow molecular crystal catalyst material weather ocean forecast policy "
         "agent reward sparse dense attention transformer kernel bayesian uncertainty calibration benchmark dataset "
         "representation invariance augmentation perception cortex neuron spike memory planning search active "
         "discovery design optimization gradient sampling variational latent structure sequence temporal spatial "
         "physics simulation emulator satellite image segmentation detection retrieval reasoning symbolic").split()
OWNER = ("Ada", "Synthetica")
ROLES = ["PhD Student", "Postdoctoral Researcher", "Research Scientist", "Assistant Professor",
         "Associate Professor", "Professor"]
FACULTIES = ["Science", "Engineering", "Medicine", "Arts and Humanities"]


def iri(base: str, kind: str, slug: str) -> str:
    return f"<{base}id/{kind}/{slug}>"


def lit(text: str, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' + (f"^^<{XSD}{datatype}>" if datatype else "")


class Writer:
    """N-Triples into numbered files of about FILE_TRIPLES each, per stream (people, papers)."""

    def __init__(self, out: Path, stream: str):
        self.out, self.stream, self.n, self.count, self.total = out, stream, 0, 0, 0
        self.handle = None
        self._open()

    def _open(self) -> None:
        if self.handle:
            self.handle.close()
        self.handle = (self.out / f"{self.stream}-{self.n:03d}.nt").open("w", encoding="utf-8")
        self.n += 1
        self.count = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.handle.write(f"{s} <{p}> {o} .\n")
        self.count += 1
        self.total += 1

    def entity_done(self) -> None:
        """Start a new file between entities once this one is full (an entity never spans two files)."""
        if self.count >= FILE_TRIPLES:
            self._open()

    def close(self) -> None:
        self.handle.close()


def generate(out: Path, triples: int, base: str = "http://127.0.0.1:8000/", seed: int = 42,
             plain: bool = False) -> dict:
    """Write the institute into out (a new or empty folder); returns counts. plain: schema.org only (above)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*.nt"), out / "resume.json"]:
        if old.exists():
            old.unlink()
    blank = iter(range(1, 1 << 62))  # blank node labels, unique across the folder
    rng = random.Random(seed)
    people_n = max(20, triples // (TRIPLES_PER_PERSON_PLAIN if plain else TRIPLES_PER_PERSON))
    labs_n = max(3, people_n // 25)
    papers_n = int(people_n * 2.2)
    projects_n = max(2, people_n // 20)
    initiatives_n = max(2, people_n // 50)

    inst = Writer(out, "institute")
    university = iri(base, "organization", "synthetic-university")
    inst.t(university, RDF_TYPE, f"<{S}CollegeOrUniversity>")
    inst.t(university, RDF_TYPE, f"<{S}Organization>")
    if not plain:
        inst.t(university, RDF_TYPE, f"<{F}Organization>")
    inst.t(university, S + "name", lit("Synthetic University"))
    inst.t(university, S + "url", "<https://university.example/>")
    faculties = []
    for i, name in enumerate(FACULTIES):
        fac = iri(base, "organization", f"faculty-of-{name.lower().replace(' ', '-')}")
        faculties.append(fac)
        for t in (S + "Organization",) + (() if plain else (F + "Organization",)):
            inst.t(fac, RDF_TYPE, f"<{t}>")
        inst.t(fac, S + "name", lit(f"Faculty of {name}"))
        inst.t(fac, S + "parentOrganization", university)
        inst.t(university, S + "subOrganization", fac)
    labs = []
    for i in range(labs_n):
        words = rng.sample(WORDS, 2)
        lab = iri(base, "organization", f"lab-{i + 1}-{words[0]}-{words[1]}")
        labs.append(lab)
        fac = faculties[i % len(faculties)]
        for t in (S + "Organization", S + "ResearchOrganization") + (() if plain else (F + "Organization",)):
            inst.t(lab, RDF_TYPE, f"<{t}>")
        inst.t(lab, S + "name", lit(f"Laboratory of {words[0].title()} {words[1].title()} {i + 1}"))
        inst.t(lab, S + "parentOrganization", fac)
        inst.t(fac, S + "subOrganization", lab)
    arxiv = f"<{base}id/topic/arxiv>"
    inst.t(arxiv, RDF_TYPE, f"<{S}DefinedTermSet>")
    inst.t(arxiv, S + "name", lit("arXiv categories"))
    topics = []
    for code, name in TOPICS:
        topic = iri(base, "topic", code.lower().replace(".", "-"))
        topics.append(topic)
        inst.t(topic, RDF_TYPE, f"<{S}DefinedTerm>")
        inst.t(topic, S + "termCode", lit(code))
        inst.t(topic, S + "name", lit(name))
        inst.t(topic, S + "inDefinedTermSet", arxiv)

    # people, grouped by lab
    people_out = Writer(out, "people")
    people = []  # (iri, slug, lab index)
    for i in range(people_n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first.lower()}-{last.lower()}-{i + 1}"
        if i == 0:  # the owner, named as resume.json names it, so the builder's IRI for them is this one
            first, last, slug = OWNER[0], OWNER[1], f"{OWNER[0]}-{OWNER[1]}".lower()
        person = iri(base, "person", slug)
        lab = i % labs_n
        people.append((person, slug, lab))
        w = people_out
        for t in (S + "Person",) + (() if plain else (F + "Person",)):
            w.t(person, RDF_TYPE, f"<{t}>")
        name = f"{first} {last}"
        w.t(person, S + "name", lit(name))
        w.t(person, S + "url", f"<https://people.example/{slug}>")
        if not plain:
            w.t(person, F + "name", lit(name))
            w.t(person, F + "homepage", f"<https://people.example/{slug}>")
        for topic in rng.sample(topics, 2):
            w.t(person, S + "knowsAbout", topic)
        if i == 0:
            if plain:
                page = f"<https://people.example/{slug}/#page>"
                w.t(page, RDF_TYPE, f"<{S}ProfilePage>")
                w.t(page, S + "mainEntity", person)
            else:
                w.t(person, RDF_TYPE, f"<{K}Owner>")
            w.t(person, S + "jobTitle", lit("Professor"))
            w.t(person, S + "description", lit("Director of the synthetic institute, for benchmarks."))
        start = 1995 + rng.randrange(25)
        steps = rng.randrange(1, 4)
        for level in range(steps):
            role_name = ROLES[min(len(ROLES) - 1, level + rng.randrange(2))]
            org = labs[(lab + level * 7) % labs_n]
            role = (f"_:r{next(blank)}" if plain else
                    f"<{base}id/role/{slug}--{org[len(base) + 17:-1]}--{role_name.lower().replace(' ', '-')}-{level}>")
            w.t(person, S + "worksFor", role)
            w.t(role, RDF_TYPE, f"<{S}OrganizationRole>" if plain else f"<{S}EmployeeRole>")
            w.t(role, S + "worksFor", org)
            w.t(role, S + "roleName", lit(role_name))
            w.t(role, S + "startDate", lit(str(start), "gYear"))
            start += 2 + rng.randrange(4)
            if level < steps - 1:
                w.t(role, S + "endDate", lit(str(start), "gYear"))
        phd = f"_:r{next(blank)}" if plain else f"<{base}id/role/{slug}--synthetic-university--phd>"
        w.t(person, S + "alumniOf", phd)
        w.t(phd, RDF_TYPE, f"<{S}OrganizationRole>")
        w.t(phd, S + "alumniOf", university)
        w.t(phd, S + "roleName", lit("PhD"))
        w.t(phd, S + "endDate", lit(str(1990 + rng.randrange(30)), "gYear"))
        w.entity_done()

    # projects and initiatives
    for i in range(projects_n):
        words = rng.sample(WORDS, 2)
        project = iri(base, "project", f"project-{i + 1}-{words[0]}-{words[1]}")
        for t in (S + "Project",) + (() if plain else (F + "Project",)):
            inst.t(project, RDF_TYPE, f"<{t}>")
        inst.t(project, S + "name", lit(f"{words[0].title()} {words[1].title()} project {i + 1}"))
        inst.t(project, S + "description", lit(f"A project on {words[0]} and {words[1]}."))
        for member in rng.sample(people, min(3, len(people))):
            inst.t(project, S + "member", member[0])
            if not plain:
                inst.t(project, F + "member", member[0])
    for i in range(initiatives_n):
        words = rng.sample(WORDS, 2)
        slug = f"initiative-{i + 1}-{words[0]}-{words[1]}"
        initiative = iri(base, "initiative", slug)
        for t in (() if plain else (K + "Initiative",)) + (S + "Organization",):
            inst.t(initiative, RDF_TYPE, f"<{t}>")
        inst.t(initiative, S + "name", lit(f"{words[0].title()} {words[1].title()} reading group {i + 1}"))
        inst.t(initiative, S + "parentOrganization", university)
        for person, pslug, _ in rng.sample(people, min(4, len(people))):
            role = f"_:r{next(blank)}" if plain else f"<{base}id/role/{pslug}--{slug}--member>"
            inst.t(person, S + "memberOf", role)
            inst.t(role, RDF_TYPE, f"<{S}OrganizationRole>")
            inst.t(role, S + "memberOf", initiative)
            inst.t(role, S + "roleName", lit("member"))

    # papers: authors mostly from one lab
    by_lab: dict[int, list] = {}
    for person in people:
        by_lab.setdefault(person[2], []).append(person)
    papers_out = Writer(out, "papers")
    keywords = max(1, papers_n // 5)
    for i in range(papers_n):
        w = papers_out
        lab = rng.randrange(labs_n)
        k = rng.randint(2, 7)
        pool = by_lab[lab]
        authors = rng.sample(pool, min(k - 1, len(pool))) + [rng.choice(people)]
        authors = list(dict.fromkeys(authors))
        words = rng.sample(WORDS, 5)
        title = f"{words[0].title()} {words[1]} for {words[2]} {words[3]} with {words[4]}"
        slug = "-".join(words[:4]) + f"-{i + 1}"
        paper = iri(base, "paper", slug)
        w.t(paper, RDF_TYPE, f"<{S}ScholarlyArticle>")
        w.t(paper, S + "name", lit(title))
        w.t(paper, S + "headline", lit(title))
        year, month, day = 2000 + rng.randrange(26), 1 + rng.randrange(12), 1 + rng.randrange(28)
        w.t(paper, S + "datePublished", lit(f"{year}-{month:02d}-{day:02d}", "date"))
        abstract = " ".join(rng.choices(WORDS, k=rng.randint(40, 90)))
        w.t(paper, S + "abstract", lit(f"We study {abstract}, kw{rng.randrange(keywords)}."))
        for topic in rng.sample(topics, rng.randint(1, 2)):
            w.t(paper, S + "about", topic)
        w.t(paper, S + "sourceOrganization", labs[lab])
        if plain:
            plain_authors(w, paper, [a[0] for a in authors], i, blank)
            w.entity_done()
            continue
        for n, (person, _, _) in enumerate(authors, 1):
            node = f"<{paper[1:-1]}#author-{n}>"
            w.t(paper, S + "author", person)
            w.t(paper, F + "maker", person)
            w.t(person, F + "made", paper)
            w.t(paper, K + "authorship", node)
            w.t(node, RDF_TYPE, f"<{K}Authorship>")
            w.t(node, S + "position", lit(str(n), "integer"))
            w.t(node, S + "author", person)
        w.entity_done()
    for writer in (inst, people_out, papers_out):
        writer.close()
    if plain:  # the ProfilePage names the owner
        total = inst.total + people_out.total + papers_out.total
        return {"triples": total, "people": people_n, "papers": papers_n, "labs": labs_n, "projects": projects_n,
                "initiatives": initiatives_n, "files": len(list(out.glob("*.nt"))), "plain": True,
                "owner": f"{base}id/person/{people[0][1]}", "person": f"{base}id/person/{people[len(people) // 2][1]}",
                "keyword": "kw7"}
    # the builder needs an owner: a minimal JSON Resume naming person 1
    (out / "resume.json").write_text(json.dumps({"basics": {
        "name": " ".join(OWNER), "label": "Professor",
        "summary": "Director of the synthetic institute, for benchmarks."}}, indent=1))
    total = inst.total + people_out.total + papers_out.total
    return {"triples": total, "people": people_n, "papers": papers_n, "labs": labs_n, "projects": projects_n,
            "initiatives": initiatives_n, "files": len(list(out.glob("*.nt"))),
            "owner": f"{base}id/person/{people[0][1]}", "person": f"{base}id/person/{people[len(people) // 2][1]}",
            "keyword": "kw7"}


def plain_authors(w: Writer, paper: str, authors: list[str], i: int, blank) -> None:
    """A paper's authors as plain schema.org gives them: Role nodes with positions, an rdf:List (every tenth
    paper), or no order (every twenty-fifth)."""
    if i % 25 == 24:
        for person in authors:
            w.t(paper, S + "author", person)
        return
    if i % 10 == 9:
        rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        cells = [f"_:l{next(blank)}" for _ in authors]
        w.t(paper, S + "author", cells[0])
        for n, (cell, person) in enumerate(zip(cells, authors)):
            w.t(cell, rdf + "first", person)
            w.t(cell, rdf + "rest", cells[n + 1] if n + 1 < len(cells) else f"<{rdf}nil>")
        return
    for n, person in enumerate(authors, 1):
        role = f"_:a{next(blank)}"
        w.t(paper, S + "author", role)
        w.t(role, RDF_TYPE, f"<{S}Role>")
        w.t(role, S + "author", person)
        w.t(role, S + "position", lit(str(n), "integer"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples (default 100000)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the .nt files into")
    parser.add_argument("--base", default="http://127.0.0.1:8000/", help="base IRI of the resources")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--plain", action="store_true", help="plain schema.org, as another tool would publish it")
    args = parser.parse_args(argv)
    counts = generate(args.out, args.triples, args.base, args.seed, args.plain)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
