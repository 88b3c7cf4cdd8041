"""The spoken-command grammar of the demo corpus: slots, labels, phrasings, voices.

Slots and labels follow Fluent Speech Commands (action 6, object 14, location 4). Unlike
FSC's 31 fixed intents, the location is free for every device and delivery command, so
that no word other than the location word tells the location (and likewise for objects).

Held-out phrasing sets, each written before the training runs it judged: ``test`` (a development
set by now), ``fresh``, ``final``, ``late`` (written for the first Whisper-encoder heads, scored
once, then read per phrasing to find their errors), ``fifth`` (written before the second heads
were trained) and ``sixth`` (written before any result of the ensemble of heads; scored once).

A phrasing is a template of tokens; ``{dir}``, ``{verb}``, ``{feel}``, ``{state}`` carry the
action (``{feel}``/``{state}``, e.g. "warmer", "cold", also carry the object), ``{obj}`` the
object, ``{loc}`` the location, ``{bring}`` and ``{lang}`` fill in their words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

ACTIONS = ["activate", "bring", "change language", "deactivate", "decrease", "increase"]
OBJECTS = [
    "none", "music", "lights", "volume", "heat", "lamp", "newspaper",
    "juice", "socks", "Chinese", "shoes", "Korean", "English", "German",
]
LOCATIONS = ["none", "kitchen", "bedroom", "washroom"]
SLOTS = {"action": ACTIONS, "object": OBJECTS, "location": LOCATIONS}

OBJECT_WORDS = {
    "lights": ["lights", "light"], "lamp": ["lamp"], "music": ["music"], "heat": ["heat", "heating"],
    "volume": ["volume"], "newspaper": ["newspaper", "paper"], "juice": ["juice"], "socks": ["socks"],
    "shoes": ["shoes"], "Chinese": ["chinese"], "Korean": ["korean"], "English": ["english"], "German": ["german"],
}
DIRECTION = {"activate": "on", "deactivate": "off", "increase": "up", "decrease": "down"}
VERBS = {
    "activate": ["activate", "start"], "deactivate": ["deactivate", "stop"],
    "increase": ["increase", "raise"], "decrease": ["decrease", "lower"],
}
FEEL = {("increase", "heat"): "warmer", ("decrease", "heat"): "colder",
        ("increase", "volume"): "louder", ("decrease", "volume"): "quieter"}
STATE = {("increase", "heat"): "cold", ("decrease", "heat"): "hot",
         ("increase", "volume"): "quiet", ("decrease", "volume"): "loud"}
BRING_VERBS = ["bring", "get", "fetch"]
# Words said around training commands only (held-out phrasings bring their own).
TRAIN_PREFIXES = ["hey", "okay", "hello", "so", "well", "i want", "i guess", "now", "listen", "um"]
TRAIN_SUFFIXES = ["please", "thanks", "thank you", "for me", "quickly", "right now", "in here", "if you can",
                  "at once", "right away"]
# Frequent English words that tell no slot, dropped at random places into training commands
# so that the model learns to listen for the carrying words wherever they are.
FILLER_WORDS = (
    "the a an and or but so if then of to for with at by from about as into over after i you he she we they "
    "it me him her us them my your his our their this that these those there here what which who when where "
    "why how all some any no not just only also very really still again now today tonight soon later be is "
    "are was were been have has had do does did will would can could should may might must go going come "
    "see look know think want need like say tell ask give take find let keep one two three first last next "
    "new old good great nice little big long time day way thing people home room yes okay oh well right "
    "sure thanks please maybe never always even much many other same"
).split()
# Words that sound like a word carrying the action ("want", "one" ~ "on", "now", "town" ~ "down",
# "cup" ~ "up", "hold" ~ "cold", "cloud" ~ "loud", …): this share of the fillers is drawn from
# them, so that the model learns to tell them from the carrying words.
SOUND_ALIKES = "want one won gone now how town cup stuff of soft hold told lot not cloud allowed quite water".split()
SOUND_ALIKE_SHARE = 0.25
# family -> (actions, objects)
FAMILIES = {
    "switch": (["activate", "deactivate"], ["lights", "lamp", "music", "heat"]),
    "level": (["increase", "decrease"], ["heat", "volume", "music", "lights"]),
    "feel": (["increase", "decrease"], ["heat", "volume"]),
    "bring": (["bring"], ["newspaper", "juice", "socks", "shoes"]),
    "language": (["change language"], ["none", "Chinese", "Korean", "English", "German"]),
}
DEVICE_TEMPLATES = {
    "train": [
        "turn {dir} the {obj}", "turn the {obj} {dir}", "switch {dir} the {obj}", "switch the {obj} {dir}",
        "{obj} {dir}", "{verb} the {obj}", "please {verb} the {obj}", "could you turn the {obj} {dir}",
        "turn {dir} the {obj} in the {loc}", "turn the {obj} {dir} in the {loc}", "turn {dir} the {loc} {obj}",
        "{loc} {obj} {dir}", "{verb} the {obj} in the {loc}", "in the {loc} turn the {obj} {dir}",
        "can you switch the {loc} {obj} {dir} please", "{verb} the {loc} {obj}",
        "{obj} {dir} please", "turn {dir} {obj}", "switch {obj} {dir}", "the {loc} {obj} {dir}",
        "{obj} in the {loc} {dir}", "turn {dir} my {obj}", "could you {verb} the {obj} please",
        "turn the {obj} {dir} right now", "can you {verb} the {obj}", "{verb} the {obj} right now",
        "i want you to turn the {obj} {dir}", "i would like you to {verb} the {obj} in the {loc}",
        "let us turn the {obj} {dir}", "time to turn the {obj} {dir}", "{loc} {obj} {dir} now",
        "the {obj} should be {dir}", "in the {loc} the {obj} should be {dir}",
    ],
    "test": [
        "would you please turn the {obj} {dir}", "put the {obj} {dir} please", "i want the {obj} {dir} in the {loc}",
        "{verb} the {loc} {obj} now", "{obj} {dir} in the {loc}",
    ],
    "fresh": [
        "{obj} {dir} now please", "can you turn {dir} the {loc} {obj} for me", "i would like the {obj} {dir}",
        "please switch {dir} the {obj} in the {loc} right now", "the {obj} in the {loc} {dir} please",
    ],
    "final": [
        "go ahead and turn {dir} the {obj}", "could you {verb} the {obj} now", "i need the {obj} {dir} please",
        "the {obj} {dir} in the {loc} thanks", "please {verb} the {obj} in the {loc} for me",
        "hey turn the {loc} {obj} {dir}",
    ],
    "late": [
        "okay so turn {dir} the {obj} in the {loc} please", "would you mind turning the {obj} {dir}",
        "hey there {verb} the {obj} thank you", "get the {obj} {dir} in the {loc}", "{dir} with the {obj} please",
        "i said turn the {obj} {dir}",
    ],
    "fifth": [
        "turn {dir} the {obj} for me now", "could you please switch the {obj} {dir}", "i would like the {loc} {obj} {dir}",
        "{verb} my {obj} please", "please turn the {obj} in the {loc} {dir} now",
    ],
    "sixth": [
        "please could you turn {dir} the {obj}", "would you switch {dir} the {obj} in the {loc}",
        "{verb} the {obj} for me please", "i want the {obj} in the {loc} {dir} now",
    ],
}
TEMPLATES = {
    "switch": DEVICE_TEMPLATES,
    "level": DEVICE_TEMPLATES,
    "feel": {
        "train": ["make it {feel}", "make it {feel} in the {loc}", "it is too {state}", "it is too {state} in the {loc}",
                  "{feel} please", "the {loc} is too {state}", "{loc} {feel} please",
                  "make the {loc} {feel}", "can you make it {feel}", "{feel} in the {loc} please",
                  "i am {state}", "it is {state} in the {loc}", "{feel}", "the {loc} should be {feel}",
                  "it is so {state}", "it is so {state} in the {loc}", "i would like it {feel}", "{feel} now",
                  "it is too {state} here", "can the {loc} be {feel}", "it is really {state} in the {loc}",
                  "it is {state} in here"],
        "test": ["a bit {feel} please", "i want it {feel} in the {loc}", "way too {state} in here"],
        "fresh": ["could you make it a little {feel}", "i think it is too {state} in the {loc}", "{feel} in here please"],
        "final": ["it is getting too {state}", "can it be {feel} in the {loc}", "make the {loc} a bit {feel}",
                  "it is much too {state}", "could it be {feel}"],
        "late": ["it feels a bit {state} in the {loc}", "i would prefer it {feel}", "make everything {feel} please",
                 "oh it is way too {state}"],
        "fifth": ["it is a little {state} in here", "please make it {feel} now", "i find it too {state} in the {loc}",
                  "a little {feel} in the {loc} please"],
        "sixth": ["it is rather {state} in the {loc}", "could it be a little {feel} please", "i feel so {state}",
                  "a bit {feel} in the {loc} now"],
    },
    "bring": {
        "train": ["{bring} me the {obj}", "{bring} my {obj}", "{bring} me my {obj}", "go {bring} the {obj}",
                  "i need my {obj}", "{obj} please", "{bring} the {obj} from the {loc}",
                  "{bring} me my {obj} from the {loc}", "could you {bring} the {obj} from the {loc} please",
                  "{bring} me some {obj}", "i need the {obj} from the {loc}", "my {obj} please",
                  "{bring} {obj}", "{obj} from the {loc} please", "where is my {obj}",
                  "can you {bring} me the {obj}", "i want my {obj}", "i would like the {obj} please",
                  "{bring} the {obj} now", "{bring} me the {obj} from the {loc} now", "the {obj} from the {loc} please"],
        "test": ["please {bring} my {obj} from the {loc}", "can i have the {obj}", "i would like my {obj} now"],
        "fresh": ["could you {bring} my {obj} please", "i need my {obj} from the {loc} now",
                  "go and {bring} the {obj} from the {loc}"],
        "final": ["would you {bring} me the {obj}", "{bring} the {obj} over from the {loc}",
                  "can you {bring} the {obj} from the {loc} for me", "i would love some {obj}"],
        "late": ["hey {bring} me those {obj} please", "could i get the {obj} from the {loc}",
                 "please go and {bring} my {obj}", "i am looking for my {obj}"],
        "fifth": ["please {bring} me my {obj} now", "would you {bring} my {obj} from the {loc}", "i could use my {obj}",
                  "i really want the {obj} from the {loc}"],
        "sixth": ["could you go {bring} my {obj}", "i really need my {obj}", "{bring} my {obj} from the {loc} please",
                  "please {bring} the {obj} from the {loc}"],
    },
    "language": {
        "train": ["change the language", "change language", "switch the language", "language settings",
                  "change the language to {lang}", "switch to {lang}", "set the language to {lang}",
                  "{lang} please", "use {lang}", "{lang} language",
                  "switch language", "change to {lang}", "set language to {lang}",
                  "different language please", "switch the language now", "i want {lang}", "change it to {lang}",
                  "speak {lang}", "{lang} now"],
        "test": ["please change my language", "could you switch the language to {lang}", "change my language to {lang}"],
        "fresh": ["i want to change the language", "switch the language to {lang} please", "can you set it to {lang}"],
        "final": ["i would like a different language", "language change please", "can we switch to {lang}",
                  "make the language {lang}", "please use {lang} from now on"],
        "late": ["can you change the language please", "i prefer {lang}", "put it in {lang} please",
                 "let us change the language to {lang}", "another language please"],
        "fifth": ["could you change the language", "i want to use {lang}", "set it to {lang} please",
                  "a new language would be nice", "the language should be {lang}"],
        "sixth": ["can you change the language now", "i need another language", "please switch to {lang}",
                  "i would like {lang} please"],
    },
}

# More eSpeak NG variants, for training voices only (the test voices stay those of ``VARIANTS``
# with a held-out variant or accent). Left out: whispering, robot-effect and novelty voices.
TRAIN_EXTRA_VARIANTS = [
    "Alex", "Alicia", "Andrea", "AnxiousAndy", "Denis", "Diogo", "Gene", "Gene2", "Henrique", "Hugo",
    "Jacky", "Lee", "Marco", "Mario", "Michael", "Mike", "Nguyen", "RicishayMax", "RicishayMax2", "Storm",
    "adam", "anika", "antonio", "aunty", "belinda", "boris", "caleb", "croak", "david", "ed", "edward",
    "edward2", "grandma", "gustave", "iven", "iven2", "iven3", "john", "kaukovalta", "klatt3", "klatt4",
    "klatt5", "klatt6", "m8", "marcelo", "michel", "miguel", "norbert", "pablo", "paul", "pedro", "quincy",
    "rob", "robert", "sandro", "shelby", "steph2", "steph3", "travis", "victor", "zac",
]
LANGUAGES = ["en-us", "en", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029", "en-us-nyc", "en-gb-scotland"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
            "klatt", "klatt2", "grandpa", "andy", "annie", "benjamin", "linda", "steph", "max"]
# Flite voices (recorded speakers: US male kal16 and rms, Scottish male awb, US female slt)
# speak this share of the training commands; none is a test voice.
FLITE_VOICES = ["flite:kal16", "flite:awb", "flite:rms", "flite:slt"]
FLITE_SHARE = 0.2
TEST_LANGUAGES = {"en-gb-scotland"}
TEST_VARIANTS = {"m7", "f4", "benjamin"}
CARRIER_FIELDS = {"{dir}": ("action",), "{verb}": ("action",), "{feel}": ("action", "object"),
                  "{state}": ("action", "object"), "{obj}": ("object",), "{lang}": ("object",), "{loc}": ("location",)}


@dataclass
class Command:
    """One command: its text, labels per slot, and per slot the token index carrying it (or None)."""

    text: str
    labels: dict[str, str]
    carriers: dict[str, int | None]
    family: str
    template: str


def voices(split: str) -> list[str]:
    """eSpeak NG voices ``language+variant``: test voices use a held-out language or variant."""
    all_voices = [f"{language}+{variant}" for language in LANGUAGES for variant in VARIANTS]
    held_out = [v for v in all_voices if v.split("+")[0] in TEST_LANGUAGES or v.split("+")[1] in TEST_VARIANTS]
    if split == "test":
        return held_out
    extra = [f"{language}+{variant}" for language in LANGUAGES if language not in TEST_LANGUAGES
             for variant in TRAIN_EXTRA_VARIANTS]
    return [v for v in all_voices if v not in held_out] + extra


def pick_voice(rng: random.Random, split: str) -> str:
    """A voice of ``split``: for training, a Flite voice w.p. ``FLITE_SHARE``, else an eSpeak NG one."""
    if split == "train" and rng.random() < FLITE_SHARE:
        return rng.choice(FLITE_VOICES)
    return rng.choice(voices(split))


def sample_command(rng: random.Random, split: str) -> Command:
    """A random command of the ``split`` phrasings (``train``, or the held-out ``test``, ``fresh``
    ``final``, ``late``, ``fifth`` or ``sixth``); actions are balanced."""
    action = rng.choice(ACTIONS)
    family = rng.choice([name for name, (actions, _) in FAMILIES.items() if action in actions])
    obj = rng.choice(FAMILIES[family][1])
    location = "none" if family == "language" or rng.random() < 0.4 else rng.choice(LOCATIONS[1:])
    candidates = [
        t for t in TEMPLATES[family][split]
        if ("{loc}" in t) == (location != "none") and (family != "language" or ("{lang}" in t) == (obj != "none"))
    ]
    if not candidates:
        location = "none"
        candidates = [t for t in TEMPLATES[family][split] if "{loc}" not in t]
    template = rng.choice(candidates)
    if split == "train" and rng.random() < 0.4:
        template = f"{rng.choice(TRAIN_PREFIXES)} {template}"
    if split == "train" and rng.random() < 0.35:
        template = f"{template} {rng.choice(TRAIN_SUFFIXES)}"
    if split == "train" and rng.random() < 0.6:
        template = with_fillers(template, rng)
    return render(template, family, action, obj, location, rng)


def with_fillers(template: str, rng: random.Random) -> str:
    """``template`` with one to three filler words (or sound-alikes) put at random word boundaries."""
    tokens = template.split()
    for _ in range(rng.randint(1, 3)):
        words = SOUND_ALIKES if rng.random() < SOUND_ALIKE_SHARE else FILLER_WORDS
        tokens.insert(rng.randint(0, len(tokens)), rng.choice(words))
    return " ".join(tokens)


def render(template: str, family: str, action: str, obj: str, location: str, rng: random.Random) -> Command:
    """Fill ``template`` with words for the labels and note which token carries each slot."""
    fills = {
        "{dir}": DIRECTION.get(action), "{verb}": rng.choice(VERBS.get(action, [""])),
        "{feel}": FEEL.get((action, obj)), "{state}": STATE.get((action, obj)),
        "{obj}": rng.choice(OBJECT_WORDS.get(obj, [""])), "{lang}": rng.choice(OBJECT_WORDS.get(obj, [""])),
        "{loc}": location, "{bring}": rng.choice(BRING_VERBS),
    }
    words, carriers = [], {"action": None, "object": None, "location": None}
    for index, token in enumerate(template.split()):
        words.append(fills.get(token) or token)
        for slot in CARRIER_FIELDS.get(token, ()):
            carriers[slot] = index
    if family not in ("switch", "level", "feel"):
        carriers["action"] = None  # only a direction word carries the action
    return Command(" ".join(words), {"action": action, "object": obj, "location": location}, carriers, family, template)
