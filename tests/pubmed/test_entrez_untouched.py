"""Importing and using our E-utilities client changes nothing in Biopython: another user of
Bio.Entrez in the same process gets Entrez as Biopython ships it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import client_for

SNAPSHOT = """
import json, sys, Bio.Entrez as E
import Bio.Entrez.Parser  # a submodule appearing as an attribute is import, not a change
def snap():
    return {k: repr(v) for k, v in vars(E).items() if not k.startswith("__")}
before = snap()
import review.pubmed.eutils, review.pubmed.harvest, review.pubmed.update, review.cli
after = snap()
print(json.dumps({"changed": sorted(k for k in before.keys() | after.keys()
                                    if before.get(k) != after.get(k)),
                  "urlopen": E.urlopen.__module__, "max_tries": E.max_tries}))
"""


def test_importing_review_leaves_bio_entrez_as_shipped():
    done = subprocess.run(
        [sys.executable, "-c", SNAPSHOT], capture_output=True, text=True, timeout=60, check=True
    )
    seen = json.loads(done.stdout)
    assert seen == {"changed": [], "urlopen": "urllib.request", "max_tries": 3}


def test_a_harvest_request_does_not_go_through_bio_entrez(fake, monkeypatch):
    from Bio import Entrez

    def refuse(*args, **kwargs):
        raise AssertionError("the client called Bio.Entrez.urlopen")

    monkeypatch.setattr(Entrez, "urlopen", refuse)
    client = client_for(fake)
    found = client.esearch("cryoablation", retmax=5)
    assert found.count > 0 and len(found.pmids) == 5
    assert client.efetch_ids(list(found.pmids))
    assert [e.endpoint for e in fake.log] == ["esearch", "efetch"]


def test_requests_carry_tool_email_and_key_and_long_id_lists_are_posted(fake):
    client = client_for(fake)
    pmids = list(client.esearch("cryoablation", retmax=300).pmids)
    assert len(pmids) == 300
    client.efetch_ids(pmids[:5])
    client.efetch_ids(pmids)  # NCBI asks for POST above about 200 ids
    search, few, many = fake.log
    assert (search.method, few.method, many.method) == ("GET", "GET", "POST")
    for entry in fake.log:
        assert entry.api_key
        assert entry.params["tool"] == "review-toolkit"
        assert entry.params["email"] == "tests@example.org"
    assert many.params["id"].split(",") == pmids
