"""The regular expressions of the pattern-found kinds (email, phone, dates, addresses, hospitals...)."""

from __future__ import annotations

import re

from web.console.privacy.words import (
    _AGE_WORDS,
    _RELATIONS,
    _word_set,
)

# --------------------------------------------------------------------------- patterns
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_NOT_A_COUNT = r"(?!\s{0,2}(?:days?|weeks?|hours?|hrs?|doses?|times?|mg|ml|kg|x\b))"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# "jane.doe@gmail.com", "jane@163.com", and "jane.doe@gmail" without a top-level domain (the local
# part must hold a letter, so "39.5@3am" stays).
_EMAIL_RE = re.compile(
    rf"(?<![\w.+{_ZERO_WIDTH}-])([\w.+{_ZERO_WIDTH}-]{{1,64}})"
    r"@(?:[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|[^\W\d_][\w-]{0,62})"
)
# Written-out addresses: "jane dot doe at gmail dot com", "jane(at)gmail(dot)com", "jane [at] yahoo",
# "jane.doe @ gmail.com". A bare " at " is an ordinary word, so `_email_spans` asks more of it.
_OBFUSCATED_AT = (
    r"(?:[^\S\n]{0,2}[(\[{<][^\S\n]{0,2}(?:at|@)[^\S\n]{0,2}[)\]}>][^\S\n]{0,2}"
    r"|(?P<bare>[^\S\n]{1,2}at[^\S\n]{1,2})|[^\S\n]{1,2}@[^\S\n]{0,2}|[^\S\n]{0,2}@[^\S\n]{1,2})"
)
_OBFUSCATED_DOT = (
    r"(?:[^\S\n]{0,2}[(\[{<][^\S\n]{0,2}dot[^\S\n]{0,2}[)\]}>][^\S\n]{0,2}|[^\S\n]{1,2}dot[^\S\n]{1,2}|\.)"
)
_MAIL_PROVIDERS = (
    r"(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|icloud|aol|comcast|protonmail|proton|gmx|msn|"
    r"verizon|sbcglobal|bellsouth|wanadoo|laposte)"
)
_TLDS = (
    r"(?:com|org|net|edu|gov|mil|info|biz|io|co|uk|us|ca|au|nz|ie|fr|de|es|nl|ch|se|dk|fi|pl|pt|br|mx|"
    r"jp|za|me|app)"
)
_OBFUSCATED_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])(?P<local>[\w+-]{{1,64}}(?:{_OBFUSCATED_DOT}[\w+-]{{1,64}}){{0,3}}){_OBFUSCATED_AT}"
    rf"(?P<domain>(?:[^\W_][\w-]{{0,62}}{_OBFUSCATED_DOT}){{1,3}}{_TLDS}\b|{_MAIL_PROVIDERS}\b)",
    re.IGNORECASE,
)
_DOT_WORD_RE = re.compile(r"(?i)(?<![^\W_])dot(?![^\W_])")
_PROVIDER_DOMAIN_RE = re.compile(rf"(?i){_MAIL_PROVIDERS}{_OBFUSCATED_DOT}")
_SSN_RE = re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")
_SSN_CUE_RE = re.compile(
    r"\b(?:ssn|social(?:\s{1,2}security)?(?:\s{1,2}(?:number|no\.?|#))?)\s{0,2}"
    r"(?:is\s{1,2}|:\s{0,2}|#\s{0,2})?(\d{3}[\s.-]?\d{2}[\s.-]?\d{4})(?!\d)",
    re.IGNORECASE,
)
# The value after a cue: letters, digits and inner hyphens or spaced digit groups, holding 4+ digits
# (checked in `_record_spans`): "12345678", "A-998877", "1234567X", "AB 1234 567", "00123456-B".
_RECORD_RE = re.compile(
    r"\b(?:mrn|medical\s{1,2}record(?:\s{1,2}(?:number|no\.?|#))?|"
    r"(?:record|chart|case|policy|account|file|hospital|nhs|medicaid|medicare|subscriber|group)"
    r"\s{1,2}(?:number|no\.?|#|id)|"
    r"(?:patient|insurance|member)\s{1,2}(?:id|number|no\.?|#)|id(?:\s{1,2}(?:number|no\.?|#))?)"
    r"\s{0,2}(?:is\s{1,2}|:\s{0,2}|#\s{0,2})?#?"
    r"([A-Z]{0,3}-?\d(?:[\dA-Z]|-(?=[\dA-Z])|[^\S\n](?=\d\d)){3,24})(?![\w-])",
    re.IGNORECASE,
)
# Digits written as words after a cue, or a long run anywhere: "six five four three two one".
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_SPELLED_DIGITS_RE = re.compile(
    rf"(?<![^\W\d_]){_DIGIT_WORD}(?:[\s,.-]{{1,3}}{_DIGIT_WORD}){{3,30}}(?![^\W\d_])", re.IGNORECASE
)
_DIGIT_WORD_RE = re.compile(_DIGIT_WORD, re.IGNORECASE)
_SPELLED_CUE_RE = re.compile(
    r"(?i)(?:\b(?:(?P<ssn>ssn|social)|(?P<record>mrn|record|chart|id|patient|insurance|member|policy|account)|"
    r"phone|cell|mobile|number|call|text|reach)\b|#)[^.!?\n]{0,30}$"
)
_HASH_NUMBER_RE = re.compile(r"(?<![\w&])#\s?\d{4,12}\b")
_LONG_NUMBER_RE = re.compile(r"(?<![\w.,<])\d{7,}(?![\w.,>])")
# Phone numbers. A separator is a space or two, or "-" "." "/" with up to two spaces either side
# ("555 - 123 - 4567", "555/123/4567"); `_phone_spans` drops temperature lists and round ranges.
_PHONE_SEP = r"(?:[^\S\n]{0,2}[-./][^\S\n]{0,2}|[^\S\n]{1,2})"
# "(555) 123-4567", "+1 555 123 4567", "07700 900 123", "1-800-555-0199"
_PHONE_RE = re.compile(
    rf"(?<![\w<+])(?:\+?\d{{1,3}}{_PHONE_SEP}?)?(?:\(\d{{2,4}}\)|\d{{2,4}}){_PHONE_SEP}?\d{{3,4}}{_PHONE_SEP}?\d{{3,4}}"
    r"(?!\w)(?![.,/-]\d)"
)
# A local number without an area code: "555-0134", "555 0134", "555.0134", "555 - 0134"
_PHONE_LOCAL_RE = re.compile(
    r"(?<![\w<+.,/-])\d{3}(?:[^\S\n]{0,2}[-.][^\S\n]{0,2}|[^\S\n]{1,2})\d{4}(?!\w)(?![.,/-]\d)"
)
# After a country code (+33, 0033) any grouping: "+33 6 12 34 56 78", "+44 (0)20 7946 0958"
_PHONE_INTERNATIONAL_RE = re.compile(
    rf"(?<![\w+])(?:\+|(?<!\d)00)\d{{1,3}}(?:{_PHONE_SEP}|[^\S\n]{{0,2}}\(\d{{1,4}}\)[^\S\n]{{0,2}})\d{{1,4}}"
    rf"(?:{_PHONE_SEP}\d{{2,4}}){{1,6}}(?!\w)"
)
# A national number with a trunk 0, grouped with one separator: "06 12 34 56 78", "06.12.34.56.78",
# "0470 12 34 56", "020-7946-0958" (9 to 12 digits, so "05.12.2019" stays a date).
_PHONE_TRUNK_RE = re.compile(
    r"(?<![\w<+.,/-])0\d{1,4}([^\S\n]|[-.])\d{2,4}(?:\1\d{2,4}){1,4}(?!\w)(?![.,/-]\d)"
)
_PHONE_RES = (_PHONE_RE, _PHONE_LOCAL_RE, _PHONE_INTERNATIONAL_RE, _PHONE_TRUNK_RE)
# What follows a number that is a quantity, not a phone number: "100-1000 mg", "930 - 1030 am"
_QUANTITY_AFTER_RE = re.compile(
    r"[^\S\n]{0,2}(?:%|°|mg|mcg|ml|kg|g|lbs?|units?|iu|degrees?|deg|f|c|am|pm|a\.m|p\.m|days?|weeks?|"
    r"hours?|hrs?|mins?|minutes?|times?|doses?|cells?|k|x)(?![^\W\d_])",
    re.IGNORECASE,
)
_DIGIT_GROUP_RE = re.compile(r"\d+")
_DATE_ISO_RE = re.compile(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])")
_DATE_DMY_RE = re.compile(r"(?<![\d./-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d])")
_DATE_SHORT_RE = re.compile(r"(?<![\d./-])(\d{1,2})/(\d{1,2})(?![\d/])")
_DATE_MONTH_DAY_RE = re.compile(
    rf"\b({_MONTHS})\.?\s{{1,2}}(\d{{1,2}})(st|nd|rd|th)?\b(?!\.\d)(,?\s{{1,2}}\d{{4}}\b)?{_NOT_A_COUNT}",
    re.IGNORECASE,
)
_DATE_DAY_MONTH_RE = re.compile(
    rf"(?<![\d.])(\d{{1,2}})(?:st|nd|rd|th)?\s{{1,2}}(?:of\s{{1,2}})?({_MONTHS})\b(?:,?\s{{1,2}}\d{{4}}\b)?",
    re.IGNORECASE,
)
_DATE_MONTH_YEAR_RE = re.compile(rf"\b{_MONTHS}\.?,?\s{{1,2}}(?:19|20)\d\d\b", re.IGNORECASE)
_BIRTH_RE = re.compile(
    r"\b(?:born|dob|d\.o\.b\.?|date\s{1,2}of\s{1,2}birth|birthday|bday)\s{0,2}"
    r"(?:is\s{1,2}|was\s{1,2}|:\s{0,2})?(?:on\s{1,2}|in\s{1,2})?(?:the\s{1,2})?"
    r"((?:19|20)\d\d|[0-3]?\d(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
_STREET_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Grove|Court|Ct|Boulevard|Blvd|Way|"
    r"Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Close|"
    r"Crescent|Row|Walk|Path|Pike|Alley|Loop)"
)
_ABBREVIATION_DOT = r"(?:(?<=St|Rd|Ln|Dr|Ct|Pl|Sq)\.|(?<=Ave|Ter|Cir|Hwy|Trl)\.|(?<=Blvd|Pkwy)\.)?"
_UNIT = r"(?:,?\s{0,2}(?i:apt|apartment|unit|suite|ste|#)\.?\s{0,2}#?[A-Za-z0-9-]{1,6}\b)?"
_ADDRESS_RE = re.compile(
    r"(?<![\w.,/-])\d{1,6}[A-Za-z]?\s{1,2}"
    r"(?:(?:[NSEW]\.?|North|South|East|West|N[EW]|S[EW])\s{1,2})?"
    rf"(?:(?!(?:Apt|Unit|Suite|APT|UNIT|SUITE)\b)[A-Z][A-Za-z'’-]*\.?\s{{1,2}}){{1,3}}"
    rf"(?:{_STREET_SUFFIX}|{_STREET_SUFFIX.upper()})\b{_ABBREVIATION_DOT}{_UNIT}"
)
# Lower case or mixed: "12 oak st", "12 Oak st.", "4b n maple ave", "12 elm street apt 3". The words
# between the number and the suffix are not counted things ("3 hour drive", "2 nights drive").
_ADDRESS_LOWER_RE = re.compile(
    r"(?<![\w.,/-])\d{1,5}[a-z]?\s{1,2}(?:[nsew]\.?\s{1,2})?"
    r"(?:(?!(?i:the|a|an|of|on|in|at|to|for|my|his|her|our|and|or|more|less|long|short|big|little|old|"
    r"other|few|hour|hours|hr|hrs|minute|minutes|min|mins|sec|secs|second|seconds|mile|miles|km|day|days|"
    r"night|nights|week|weeks|weekend|weekends|month|months|year|years|yr|yrs|yo|wk|wks|mo|mos|times|"
    r"dose|doses|pill|pills|tab|tabs|tablet|tablets|cup|cups|bag|bags|kid|kids|child|children|mg|ml|kg|"
    r"lb|lbs|oz|am|pm|degrees|deg)\b)[A-Za-z][a-z]{1,19}\s{1,2}){1,2}"
    r"(?:street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|grove|court|ct|terrace|parkway|pkwy|"
    r"highway|hwy|way|place|pl|circle|cir|trail|crescent)\b"
    rf"{_UNIT}"
)
_PO_BOX_RE = re.compile(
    r"\b(?:p\.?\s?o\.?\s{0,2}box|post\s{1,2}office\s{1,2}box)\s{0,2}\d{1,6}\b", re.IGNORECASE
)
_STATES = sorted(
    _word_set(
        "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
        "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
    )
)
_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New\\s{1,2}Hampshire|"
    "New\\s{1,2}Jersey|New\\s{1,2}Mexico|New\\s{1,2}York|North\\s{1,2}Carolina|North\\s{1,2}Dakota|"
    "Ohio|Oklahoma|Oregon|Pennsylvania|Rhode\\s{1,2}Island|South\\s{1,2}Carolina|"
    "South\\s{1,2}Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West\\s{1,2}Virginia|"
    "Wisconsin|Wyoming"
)
_CITY_STATE_RE = re.compile(
    r"(?<![\w'’])((?:[A-Z][a-z]+\s{1,2}){0,2}[A-Z][a-z]+)(,)?\s{1,2}"
    rf"({'|'.join(_STATES)}|{_STATE_NAMES})\b(?:,?\s{{1,2}}(\d{{5}}(?:-\d{{4}})?)(?![\d-]))?"
)
_PLACE_AFTER_RE = re.compile(
    r"\b(?:in|from|near|outside|moved\s{1,2}to|drove\s{1,2}to|live\s{1,2}in|lives\s{1,2}in|"
    r"living\s{1,2}in)\s{1,2}([A-Z][a-z]{2,}(?:\s{1,2}[A-Z][a-z]{2,})?)\b(?!['’]s)"
)
_ZIP_CUE_RE = re.compile(
    r"\b(?:zip|zipcode|postal\s{1,2}code|post\s{1,2}code)(?:\s{0,2}code)?\s{0,2}"
    r"(?:is\s{1,2}|:\s{0,2}|#\s{0,2})?(\d{5}(?:-\d{4})?)(?![\d-])",
    re.IGNORECASE,
)
_ZIP_LIVE_RE = re.compile(r"\b(?:live|lives|living)\s{1,2}in\s{1,2}(\d{5})(?![\d.-])", re.IGNORECASE)
_ZIP4_RE = re.compile(r"(?<![\d.-])\d{5}-\d{4}(?![\d-])")

_CAPW = r"[A-Z][A-Za-z'’\-]*"
_NOT_FUNCTION_CAP = (
    r"(?!(?:The|A|An|At|In|To|From|Our|My|His|Her|Their|This|That|We|I|Is|And|Or|Of|For|On|"
    r"Was|Were|Are|Its|It's|Your|Local|Nearest|Which|What|Any|Some)\b)"
)
_CHILDRENS = r"(?:Children['’]?s|Childrens['’]?)"
_HOSPITAL_SUFFIX = (
    r"(?:Hospitals?|Clinic|Medical\s{1,2}Cent(?:er|re)|Cancer\s{1,2}(?:Cent(?:er|re)|Institute)|"
    r"Infirmary|Health(?:care|\s{1,2}System)?|General|Memorial|University\s{1,2}Hospital)"
)
# Up to 4 capitalised words, then a hospital word. Searched with `_word_led_matches`, never with
# finditer, which tries each start after a hyphen and reads the rest of the word from there
# ("Ab-Ab-..." costs the square of its length).
_WORDS_BEFORE = rf"(?<![\w'’])(?:{_NOT_FUNCTION_CAP}{_CAPW}\s{{1,2}}){{1,4}}"
# "Boston Children's Hospital", "Lurie Children's", "Children's Mercy Kansas City"
_WORDS_CHILDRENS_RE = re.compile(
    rf"{_WORDS_BEFORE}{_CHILDRENS}"
    rf"(?:\s{{1,2}}(?:Hospital|Medical\s{{1,2}}Cent(?:er|re)|Health(?:care)?|Research\s{{1,2}}Hospital))?"
)
# "Sacred Heart Medical Center", "Mass General", "Mayo Clinic"
_WORDS_SUFFIX_RE = re.compile(rf"{_WORDS_BEFORE}{_HOSPITAL_SUFFIX}\b")
_WORD_LED_RES = (_WORDS_CHILDRENS_RE, _WORDS_SUFFIX_RE)
_CAPW_RUN_RE = re.compile(r"[A-Za-z'’\-]+")  # what _CAPW can read: it always reads to the run's end
_WORD_START_RE = re.compile(rf"(?<![\w'’]){_NOT_FUNCTION_CAP}[A-Z]")  # where _WORDS_BEFORE can start
_SPACE_RE = re.compile(r"\s")
_HOSPITAL_RES = (
    _WORDS_CHILDRENS_RE,
    re.compile(
        rf"(?<![\w'’]){_CHILDRENS}\s{{1,2}}(?:Hospital|Mercy|National|Health(?:care)?|Medical\s{{1,2}}Center)"
        rf"(?:\s{{1,2}}(?:of\s{{1,2}}(?:the\s{{1,2}})?)?{_NOT_FUNCTION_CAP}{_CAPW}){{0,3}}"
    ),
    _WORDS_SUFFIX_RE,
    # "Hospital for Sick Children", "Hospital of the University of Pennsylvania"
    re.compile(
        rf"\bHospital\s{{1,2}}(?:of|for)\s{{1,2}}(?:the\s{{1,2}})?{_CAPW}(?:\s{{1,2}}(?:of\s{{1,2}})?{_CAPW}){{0,3}}"
    ),
    # "St. Jude", "Saint Mary's Medical Center"
    re.compile(
        rf"(?<![\w'’])(?:St\.?|Saint)\s{{1,2}}{_CAPW}"
        rf"(?:\s{{1,2}}(?:{_CHILDRENS}(?:\s{{1,2}}Hospital)?|{_HOSPITAL_SUFFIX}|Research\s{{1,2}}Hospital))?"
    ),
    # lower case: "childrens hospital of philadelphia", "boston childrens hospital"
    re.compile(
        r"\bchild(?:ren)?['’]?s?['’]?\s{1,2}hospital\s{1,2}of\s{1,2}(?:the\s{1,2})?[a-z]{3,}", re.IGNORECASE
    ),
    re.compile(
        r"\b(?!(?:the|a|an|our|my|local|nearest|nearby|big|main|other|this|that|your|their|his|her|"
        r"at|to|in|from|of|and|a|new|same|closest)\b)[a-z]{3,}\s{1,2}child(?:ren)?['’]?s?['’]?\s{1,2}hospital\b"
    ),
    # pediatric CAR-T centres a pattern cannot find
    re.compile(
        r"\b(?:dana[\s-]{1,2}farber|md\s{1,2}anderson|(?:memorial\s{1,2})?sloan[\s-]{1,2}kettering|mskcc|msk|chop|choa|"
        r"chla|johns\s{1,2}hopkins|mayo(?:\s{1,2}clinic)?|stanford|ucsf|ucla|great\s{1,2}ormond\s{1,2}street|"
        r"sick\s{0,2}kids|mass\s{1,2}general|mgh|lurie|fred\s{1,2}hutch(?:inson)?|royal\s{1,2}marsden|"
        r"penn\s{1,2}medicine|cook\s{1,2}children['’]?s|rady)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:Duke|GOSH|City\s{1,2}of\s{1,2}Hope|Nationwide|Primary\s{1,2}Children['’]?s)\b"),
)
_CHILDRENS_PLACE_RE = re.compile(rf"(?<![\w'’]){_CHILDRENS}\s{{1,2}}([A-Z][a-z]{{2,}})\b")
_SAINT_LOWER_RE = re.compile(
    r"\b(?:st\.?|saint)\s{1,2}([a-z]{3,})(?:['’]?s)?\b"
    r"(?:\s{1,2}(?:child(?:ren)?['’]?s?['’]?(?:\s{1,2}hospital)?|hospital|medical\s{1,2}cent(?:er|re))\b)?"
)

# Cues before a name; the token right after the cue (only spaces, commas or a colon
# between) is judged. Kinds: strong, title (clinician), weak.
_CUE_RES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            rf"\b(?:my|our|his|her|your|their)\s{{1,2}}"
            rf"(?:\d{{1,2}}[\s-]{{0,2}}{_AGE_WORDS}(?:[\s-]{{0,2}}old)?\s{{1,2}})?"
            r"(?:(?:little|baby|big|older|younger|youngest|oldest|eldest|sweet|beautiful|step|twin)"
            rf"[\s-]{{1,2}})?{_RELATIONS}\b",
            re.IGNORECASE,
        ),
        "strong",
    ),
    (
        re.compile(r"\b(?:grandma|grandpa|granny|nana|nanna|papa|aunt|auntie|aunty|uncle|cousin)\b", re.I),
        "strong",
    ),
    (
        re.compile(
            r"\b(?:(?:first|last|middle|full|sur)?\s{0,2}name\s{1,2}is|name['’]s|names\s{1,2}(?:is|are)|"
            r"named|called|call\s{1,2}(?:him|her|me)|goes\s{1,2}by|first\s{1,2}name|last\s{1,2}name|"
            r"surname)\b",
            re.IGNORECASE,
        ),
        "strong",
    ),
    (
        re.compile(
            r"\b(?:mom|mum|mother|dad|father|parent|grandma|grandpa|guardian|caregiver)\s{1,2}(?:of|to)\b",
            re.IGNORECASE,
        ),
        "strong",
    ),
    (
        re.compile(
            r"\b(?:dr|doctor|doc|dra|nurse(?:\s{1,2}practitioner)?|np|mr|mrs|ms|miss|mx|prof|professor)\b\.?",
            re.IGNORECASE,
        ),
        "title",
    ),
    (re.compile(r"\b(?:i['’]?m|i\s{1,2}am|this\s{1,2}is|it['’]?s|it\s{1,2}is)\b", re.IGNORECASE), "weak"),
)
_AGE_CUE_RE = re.compile(
    rf"\b(?:my|our)\s{{1,2}}(\d{{1,2}})[\s-]{{0,2}}{_AGE_WORDS}(?:[\s-]{{0,2}}old)?"
    rf"(?:\s{{1,2}}{_RELATIONS})?\b",
    re.IGNORECASE,
)
_CUE_GAP_RE = re.compile(r"[\s,:]{1,4}")
_AGE_UNITS_AFTER = r"(?!\.\d)(?!\s{0,2}(?:%|°|mg|kg|ml|mcg|lbs?|degrees?|f\b|c\b|am\b|pm\b|:))"
_AGE_AFTER_RES = (
    re.compile(r"\s{0,2}\(\s{0,2}(\d{1,2})\s{0,2}(?:[a-z]{1,6}\s{0,2})?\)"),  # "Marco (8)", "(8 yo)"
    re.compile(
        rf",\s{{0,2}}(?:age[ds]?\s{{1,2}}|aged\s{{1,2}})?(\d{{1,2}})(?:\s{{0,2}}{_AGE_WORDS}(?:[\s-]{{0,2}}old)?)?"
        rf"\b{_AGE_UNITS_AFTER}(?=\s{{0,2}}(?:[,.;)]|$)|\s)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\s{1,2}(?:is|was|turned|just\s{1,2}turned|who\s{1,2}is)\s{1,2}"
        rf"(\d{{1,2}})(?:\s{{0,2}}(?:and\s{{1,2}}a\s{{1,2}}half\s{{1,2}})?{_AGE_WORDS}(?:[\s-]{{0,2}}old)?)?"
        rf"\b{_AGE_UNITS_AFTER}",
        re.IGNORECASE,
    ),
)
