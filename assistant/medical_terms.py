"""Medical vocabulary of the source article, with the misspellings parents type.

Feeds the project's spaCy pipeline (`assistant/spacy_pipeline.py`):
- `CANONICAL_LEMMAS` maps a misspelled single word to the article's spelling, so
  the featurizers see one lemma for "toculizumab" and "tocilizumab".
- `ENTITY_TERMS` become entity-ruler patterns (label -> canonical id -> phrases).
- `SYMPTOM_TERMS` are the red-flag symptoms (category -> phrases), used as
  entity-ruler patterns with the label "symptom" and read by the red-flag matcher.
Only terms the article names are listed: no other drugs or brands.
"""

from typing import Dict, List

CANONICAL_LEMMAS: Dict[str, str] = {
    # drugs and brands named in the article
    "toculizumab": "tocilizumab", "tocilizumb": "tocilizumab", "tocilizimab": "tocilizumab",
    "tociluzumab": "tocilizumab", "toci": "tocilizumab", "tocilizamab": "tocilizumab",
    "siltuxumab": "siltuximab", "siltuximib": "siltuximab", "siltiximab": "siltuximab",
    "kepra": "keppra", "kepprah": "keppra", "keprra": "keppra",
    "levetiracetum": "levetiracetam", "levitiracetam": "levetiracetam",
    "leviteracetam": "levetiracetam", "levetirazetam": "levetiracetam",
    "dexamethazone": "dexamethasone", "dexamethosone": "dexamethasone", "dex": "dexamethasone",
    "dexametasone": "dexamethasone", "decadron": "dexamethasone",
    "methylpred": "methylprednisolone", "methylprednisone": "methylprednisolone",
    "methylprednisilone": "methylprednisolone", "solumedrol": "methylprednisolone",
    "steriods": "steroid", "steriod": "steroid", "steroids": "steroid", "sterods": "steroid",
    "corticosteriods": "corticosteroid", "corticosteroids": "corticosteroid",
    "blinatumumab": "blinatumomab", "blinatumab": "blinatumomab", "blina": "blinatumomab",
    "blinatunomab": "blinatumomab", "blinatomumab": "blinatumomab",
    "blincyto": "blincyto", "blinctyo": "blincyto", "blincito": "blincyto", "blyncyto": "blincyto",
    "kymria": "kymriah", "kimriah": "kymriah", "kymirah": "kymriah", "kymrah": "kymriah",
    "kimria": "kymriah", "kymra": "kymriah",
    "tisagenleucel": "tisagenlecleucel", "tisagenlecleucal": "tisagenlecleucel",
    "tisagnlecleucel": "tisagenlecleucel", "tisagenlecluecel": "tisagenlecleucel",
    "tisa-cel": "tisagenlecleucel", "tisacel": "tisagenlecleucel",
    "cart": "car-t", "car-t": "car-t", "cartcell": "car-t",
    # the condition and its vocabulary
    "cytokins": "cytokine", "cytokines": "cytokine", "cytokin": "cytokine", "cytokene": "cytokine",
    "cytokeins": "cytokine", "cytocines": "cytokine", "cytokinez": "cytokine", "sytokines": "cytokine",
    "neurotoxcity": "neurotoxicity", "neurotoxicty": "neurotoxicity", "nuerotoxicity": "neurotoxicity",
    "immunotheraphy": "immunotherapy", "imunotherapy": "immunotherapy", "immunotherapies": "immunotherapy",
    "seizures": "seizure", "siezure": "seizure", "siezures": "seizure", "seizre": "seizure",
    "seziure": "seizure", "seisure": "seizure",
    "icu": "icu", "picu": "icu",
    "electrolites": "electrolyte", "electrolytes": "electrolyte",
    "dialisis": "dialysis", "dialysys": "dialysis",
    # sounds dropped or misspelled by worried parents typing fast
    "havin": "having", "fittin": "fitting", "shakin": "shaking", "racin": "racing",
    "passin": "passing", "burnin": "burning", "throwin": "throwing", "talkin": "talking",
    "breth": "breathe", "brethe": "breathe", "breath": "breathe", "breating": "breathing",
    "breathin": "breathing", "seizur": "seizure", "seizue": "seizure", "swallo": "swallow",
    "confussed": "confused", "confued": "confused", "hart": "heart", "puking": "vomiting",
    "throwing": "throwing", "wak": "wake", "respondin": "responding",
    "leukaemia": "leukemia", "lukemia": "leukemia", "leukemia": "leukemia",
}

ENTITY_TERMS: Dict[str, Dict[str, List[str]]] = {
    "drug": {
        "tocilizumab": ["tocilizumab"],
        "siltuximab": ["siltuximab"],
        "levetiracetam": ["levetiracetam", "keppra"],
        "dexamethasone": ["dexamethasone"],
        "methylprednisolone": ["methylprednisolone"],
        "corticosteroid": ["corticosteroid", "steroid"],
        "blinatumomab": ["blinatumomab", "blincyto"],
        "tisagenlecleucel": ["tisagenlecleucel", "kymriah"],
    },
    "therapy": {
        "car_t": ["car-t", "car t", "car t cell", "car t-cell", "car-t cell",
                  "chimeric antigen receptor"],
        "bite": ["bite", "bispecific t-cell engager", "bispecific t cell engager"],
        "immunotherapy": ["immunotherapy", "immune therapy"],
        "supportive_care": ["iv fluids", "oxygen", "ventilator", "transfusion", "dialysis"],
    },
    "body_system": {
        "heart": ["heart", "blood pressure", "heartbeat", "heart rate"],
        "brain": ["brain", "nervous system", "nerves"],
        "lungs": ["lung", "lungs", "breathing"],
        "kidney": ["kidney", "kidneys"],
        "liver": ["liver"],
    },
}

# Red-flag symptoms by category. "emergency" categories mean: call emergency services.
SYMPTOM_TERMS: Dict[str, List[str]] = {
    "breathing": [
        "can't breathe", "cant breathe", "can't breath", "cant breath", "cannot breathe",
        "not breathing", "trouble breathing", "hard to breathe", "hard time breathing",
        "struggling to breathe", "struggling to breath", "short of breath",
        "shortness of breath", "out of breath", "breathing fast", "breathing really fast",
        "breathing hard", "breathing weird", "breathing funny", "gasping",
        "wheezing", "can't catch his breath", "can't catch her breath",
        "cant catch his breath", "cant catch her breath", "blue lips", "lips are blue",
        "lips look blue", "lips turning blue", "lips went blue", "turning blue", "gone blue",
        "breathing problems", "difficulty breathing", "labored breathing", "laboured breathing",
    ],
    "seizure": [
        "seizure", "seizing", "having a fit", "fitting", "convulsing", "convulsion",
        "convulsions", "siezing", "shaking uncontrollably", "shaking and won't stop",
        "shaking and wont stop", "jerking", "twitching all over", "eyes rolled back",
        "eyes rolling back",
    ],
    "consciousness": [
        "hard to wake", "won't wake up", "wont wake up", "can't wake", "cant wake",
        "will not wake", "not waking up", "unresponsive", "not responding",
        "passed out", "fainted", "blacked out", "collapsed", "very drowsy",
        "so drowsy", "really drowsy", "so sleepy", "keeps falling asleep", "floppy",
        "limp",
    ],
    "confusion": [
        "confused", "confusion", "not making sense", "doesn't know where he is",
        "doesn't know where she is", "doesnt know where he is", "doesnt know where she is",
        "doesn't recognize", "doesnt recognize", "doesn't recognise", "disoriented",
        "seeing things", "hallucinating", "talking nonsense", "acting strange",
        "acting weird", "not himself", "not herself",
    ],
    "speech": [
        "can't talk", "cant talk", "can't speak", "cant speak", "slurring", "slurred",
        "words are jumbled", "words coming out wrong", "trouble talking", "trouble speaking",
        "can't get words out", "cant get words out", "can't swallow", "cant swallow",
        "trouble swallowing",
    ],
    "heart": [
        "heart is racing", "heart racing", "racing heart", "heart is pounding",
        "heart pounding", "heart beating fast", "heart beating so fast", "heart is beating fast",
        "heart rate is high", "heart rate is really high", "heartbeat is weird",
        "heartbeat is irregular", "chest pain",
    ],
    "fever": [
        "fever", "feverish", "high temp", "high temperature", "temp is high",
        "temperature is high", "burning up", "spiking", "spiked", "febrile", "chills", "rigors",
    ],
    "other": [
        "vomiting", "throwing up", "keeps throwing up", "diarrhea", "diarrhoea",
        "rash", "swelling", "swollen", "puffy", "dizzy", "very weak", "headache",
        "bad headache", "severe headache", "dizziness", "fast heartbeat", "low blood pressure",
    ],
}

# Token patterns for the entity ruler, for phrasings with many spellings.
_CANT = {"NORM": {"IN": ["can", "ca", "cnt", "cannot", "wo", "will", "does", "do", "is"]}}
_NOT = {"NORM": {"IN": ["not", "n't", "nt"]}, "OP": "?"}
_OBJ = {"LOWER": {"IN": ["him", "her", "them", "it"]}, "OP": "?"}
SYMPTOM_TOKEN_PATTERNS: Dict[str, List[List[Dict[str, object]]]] = {
    "breathing": [
        [_CANT, _NOT, {"NORM": {"REGEX": "^(breathe|breathing|breth)"}}],
        [{"NORM": {"REGEX": "^breathing$"}}, {"LOWER": {"IN": ["so", "really", "very"]}, "OP": "?"},
         {"LOWER": {"IN": ["fast", "hard", "weird", "funny", "shallow", "strange", "heavy"]}}],
        [{"LOWER": {"IN": ["lips", "lip", "face", "skin"]}},
         {"LOWER": {"IN": ["are", "is", "r", "look", "looks", "went", "turning", "turned", "gone"]}, "OP": "?"},
         {"LOWER": {"IN": ["a", "bit", "kinda", "little", "slightly"]}, "OP": "*"},
         {"LOWER": {"IN": ["blue", "purple", "grey", "gray", "bluish", "blueish"]}}],
        [{"LOWER": {"IN": ["going", "turning", "turned", "went", "gone"]}},
         {"LOWER": {"IN": ["blue", "purple", "grey", "gray", "bluish", "blueish"]}}],
        [{"LOWER": {"IN": ["blue", "purple"]}}, {"LOWER": {"IN": ["lips", "lip"]}}],
    ],
    "seizure": [
        [{"LOWER": {"REGEX": "^(seiz|siez|seis|convuls|fittin)"}}],
        [{"LOWER": {"IN": ["fitting", "fit"]}}],
        [{"NORM": {"IN": ["shaking", "twitching", "jerking", "trembling"]}},
         {"LOWER": {"IN": ["all", "like", "and", "uncontrollably", "nonstop", "badly"]}}],
        [_CANT, _NOT, {"LOWER": "stop"}, {"NORM": {"IN": ["shaking", "twitching", "jerking"]}}],
        [{"NORM": {"IN": ["shaking", "twitching", "jerking"]}}, {"LOWER": {"IN": ["n", "and", "&"]}},
         {"NORM": {"IN": ["wo", "will", "can", "ca", "cnt", "wont"]}}, _NOT, {"LOWER": "stop"}],
        [{"LOWER": {"IN": ["hands", "arms", "legs", "body"]}}, {"LOWER": {"IN": ["are", "is", "keep", "keeps"]}, "OP": "?"},
         {"NORM": {"IN": ["shaking", "twitching", "jerking"]}}],
    ],
    "consciousness": [
        [_CANT, _NOT, _OBJ, {"LOWER": {"IN": ["wake", "wak", "rouse", "waking", "respond", "responding"]}}],
        [_CANT, _NOT, {"LOWER": "get"}, _OBJ, {"LOWER": "to"}, {"LOWER": {"IN": ["wake", "respond"]}}],
        [{"NORM": {"IN": ["passed", "passing", "passes", "blanking", "blanked", "blacking", "blacked",
                          "blacks", "zoning", "zoned"]}}, {"LOWER": "out"}],
        [{"LOWER": {"IN": ["barely", "hardly"]}}, {"LOWER": {"IN": ["wake", "rouse", "awake", "responding"]}}],
        [_CANT, _NOT, {"LOWER": {"IN": ["answer", "answering", "respond", "look"]}},
         {"LOWER": {"IN": ["me", "us", "anyone"]}}],
        [{"LOWER": {"IN": ["not", "isnt"]}}, {"LOWER": {"IN": ["answering", "responding", "reacting"]}}],
        [{"LOWER": {"REGEX": "^faint"}}],
        [{"LOWER": {"IN": ["staring", "stares"]}}, {"LOWER": {"IN": ["blankly", "into", "off"]}, "OP": "?"}],
    ],
    "confusion": [
        [{"LOWER": {"REGEX": "^(confus|confuss|halluc|disorient)"}}],
        [{"LOWER": "mixed"}, {"LOWER": "up"}],
        [{"NORM": {"IN": ["saying", "talking", "says"]}},
         {"LOWER": {"IN": ["weird", "strange", "odd", "gibberish", "nonsense", "funny"]}}],
    ],
    "speech": [
        [_CANT, _NOT, {"LOWER": {"IN": ["talk", "speak", "swallow", "swallo", "swallowing", "talking"]}}],
        [_CANT, _NOT, {"LOWER": "get"}, {"LOWER": {"IN": ["his", "her", "their", "the"]}}, {"LOWER": "words"}],
        [{"LOWER": "words"}, {"LOWER": {"IN": ["are", "r", "keep"]}, "OP": "?"}, {"LOWER": {"IN": ["coming", "come"]}},
         {"LOWER": "out"}, {"LOWER": {"IN": ["wrong", "weird", "jumbled", "funny"]}}],
        [{"LOWER": {"REGEX": "^slurr"}}],
        [{"LOWER": "words"}, {"LOWER": {"IN": ["are", "r", "all", "so", "coming"]}, "OP": "*"},
         {"LOWER": {"IN": ["jumbled", "mixed", "garbled", "wrong", "muddled"]}}],
        [{"LOWER": {"REGEX": "^drool"}}],
    ],
    "heart": [
        [{"NORM": "heart"}, {"LOWER": {"IN": ["is", "'s", "s", "keeps"]}, "OP": "?"},
         {"NORM": {"IN": ["racing", "pounding", "going", "beating", "thumping", "fluttering"]}}],
        [{"LOWER": {"IN": ["heartbeat", "heartrate", "pulse"]}}, {"LOWER": {"IN": ["is", "feels", "'s", "s"]}, "OP": "?"},
         {"LOWER": {"IN": ["all", "racing", "weird", "irregular", "crazy", "fast", "high", "pounding"]}}],
    ],
    "fever": [
        [{"LOWER": {"IN": ["high", "bad", "spiking"]}}, {"LOWER": {"IN": ["fever", "temp", "temperature"]}}],
        [{"NORM": {"IN": ["burning", "burnin"]}}, {"LOWER": "up"}],
        [{"LOWER": {"IN": ["shivering", "shaking", "shivers"]}}, {"LOWER": {"IN": ["non", "nonstop", "badly"]}}],
    ],
    "other": [
        [{"NORM": {"IN": ["vomiting", "throwing", "puking"]}}, {"LOWER": {"IN": ["up", "non", "nonstop", "and"]}, "OP": "?"}],
        [{"LOWER": {"IN": ["head", "tummy", "stomach"]}}, {"LOWER": {"IN": ["is", "'s", "s"]}, "OP": "?"},
         {"LOWER": {"IN": ["killing", "hurting", "pounding", "spinning"]}}],
        [{"LOWER": "room"}, {"LOWER": {"IN": ["is", "'s", "s"]}, "OP": "?"}, {"LOWER": "spinning"}],
        [_CANT, _NOT, {"LOWER": {"IN": ["stand", "walk", "sit"]}}],
        [{"LOWER": "rash"}, {"LOWER": {"IN": ["is", "'s", "s"]}, "OP": "?"}, {"LOWER": "spreading"}],
    ],
}

EMERGENCY_CATEGORIES = frozenset({"breathing", "seizure", "consciousness"})
