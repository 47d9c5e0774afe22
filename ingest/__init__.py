"""Turning inputs into `kb.models`: read, extract, find claims and citations, resolve and grade.

Nothing here talks to the database (`ui.workflows` writes what this package makes through
`kb.store`); only `fetch`, `http` and `resolve/` touch the network. Each stage, its modules:

    stage              modules
    read               inputs (arguments, folders, lists, stdin), fetch, http, netguard,
                       mediatypes, decoding
    extract            extract (bytes to text), extract_html (trafilatura), textrender, markup,
                       markdown_marks, hyperlinks (the `Link` model of an inline link)
    claims             claimfinder (the default detector: claimfeatures, claimmodel, topic),
                       claims (the rule detector, and the `ClaimDetector` interface), sentences,
                       cues, atoms, entities (propositions), lexicons (reads ingest/data)
    citations          citations (mentions in the text), references (the reference list),
                       linking (the scope rule, citation status, work keys)
    resolve            resolve/ (PubMed, Crossref, OpenAlex, Europe PMC, ClinicalTrials.gov)
    classify, grade    classify (study design), directness, evidence (works -> kb.grading)
    compare            strength (how strongly a sentence claims), comparison (a claim beside
                       one cited work, axis by axis)
    the whole          pipeline (input to `Document`, in worker processes: workers),
                       analysis_json (what `kb extract --json` prints), errors
"""
