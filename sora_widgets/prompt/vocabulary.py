"""Visual keywords and shot grammar, as plain data.

The guide's four keyword groups (lighting, movement, quality, camera) come first, verbatim; the
shot grammar (shot types, angles, camera moves, lenses) and the style, mood and colour words extend
them. Everything is a tuple of lowercase strings grouped by category, so the composer's chips, the
parser and the linter read the same lists and never drift apart.

`CATEGORY_FIELDS` says which `Prompt` field a chip of each category fills.
"""

from __future__ import annotations

from types import MappingProxyType

# --- the guide's "Use Visual Keywords" section, word for word ------------------------------------
GUIDE_LIGHTING = ("golden hour", "dramatic shadows", "neon glow", "natural daylight")
GUIDE_MOVEMENT = ("slow motion", "time-lapse", "dynamic action", "gentle breeze")
GUIDE_QUALITY = ("ultra-detailed", "photorealistic", "stylized", "painterly")
GUIDE_CAMERA = ("wide shot", "close-up", "aerial view", "tracking shot", "dolly zoom")

#: the guide's four groups as the guide names them
GUIDE_KEYWORDS = MappingProxyType(
    {
        "lighting": GUIDE_LIGHTING,
        "movement": GUIDE_MOVEMENT,
        "quality": GUIDE_QUALITY,
        "camera": GUIDE_CAMERA,
    }
)

# --- extended groups ------------------------------------------------------------------------------
LIGHTING = (
    *GUIDE_LIGHTING,
    "natural lighting",
    "soft diffused light",
    "blue hour",
    "backlit",
    "rim light",
    "volumetric light",
    "god rays",
    "candlelight",
    "moonlight",
    "firelight",
    "overcast light",
    "harsh midday sun",
    "high-key lighting",
    "low-key lighting",
    "chiaroscuro",
    "studio lighting",
    "practical lights",
    "warm tungsten light",
    "cool fluorescent light",
    "silhouette",
)

TIME_OF_DAY = ("dawn", "sunrise", "morning", "midday", "afternoon", "sunset", "dusk", "twilight", "night")

#: temporal effects (the guide's "Movement" group): they set the clip's pacing, so they count as style
MOTION = (*GUIDE_MOVEMENT, "hyperlapse", "motion blur", "freeze frame", "smooth motion")

QUALITY = (
    *GUIDE_QUALITY,
    "highly detailed",
    "sharp focus",
    "professional cinematography",
    "professional photography",
    "award-winning",
    "masterpiece",
    "film grain",
)

SHOT_TYPES = (
    "extreme wide shot",
    "wide shot",
    "establishing shot",
    "full shot",
    "medium wide shot",
    "medium shot",
    "medium close-up",
    "close-up",
    "extreme close-up",
    "two-shot",
    "over-the-shoulder shot",
    "point-of-view shot",
    "insert shot",
)

ANGLES = (
    "eye level",
    "low angle",
    "high angle",
    "dutch angle",
    "bird's-eye view",
    "worm's-eye view",
    "aerial view",
    "top-down view",
    "overhead view",
    "profile view",
    "three-quarter view",
)

CAMERA_MOVES = (
    "static camera",
    "locked-off camera",
    "slow pan",
    "whip pan",
    "tilt up",
    "tilt down",
    "dolly in",
    "dolly out",
    "push in",
    "pull back",
    "tracking shot",
    "truck left",
    "truck right",
    "crane up",
    "crane down",
    "orbit",
    "arc shot",
    "handheld",
    "steadicam",
    "drone flyover",
    "dolly zoom",
    "zoom in",
    "zoom out",
)

LENSES = (
    "wide-angle lens",
    "24mm lens",
    "35mm lens",
    "50mm lens",
    "85mm lens",
    "telephoto lens",
    "macro lens",
    "anamorphic lens",
    "fisheye lens",
    "shallow depth of field",
    "deep focus",
    "rack focus",
    "tilt-shift",
    "bokeh",
)

STYLES = (
    "cinematic",
    "documentary",
    "film noir",
    "anime",
    "stop-motion",
    "claymation",
    "watercolor",
    "oil painting",
    "3d animation",
    "hand-drawn animation",
    "pixel art",
    "35mm film",
    "16mm film",
    "vhs",
    "cyberpunk",
    "surreal",
    "minimalist",
    "vintage",
    "retro",
)

MOODS = (
    "serene",
    "calm",
    "playful",
    "melancholic",
    "tense",
    "mysterious",
    "whimsical",
    "epic",
    "ethereal",
    "dreamy",
    "nostalgic",
    "joyful",
    "eerie",
    "romantic",
    "hopeful",
    "somber",
    "energetic",
    "cozy",
    "contemplative",
    "triumphant",
)

COLORS = (
    "red", "crimson", "scarlet", "orange", "amber", "gold", "yellow", "ochre", "green", "emerald",
    "olive", "mint", "teal", "turquoise", "cyan", "blue", "navy", "cobalt", "indigo", "purple",
    "violet", "lavender", "magenta", "pink", "coral", "peach", "brown", "rust", "beige", "sand",
    "cream", "ivory", "white", "grey", "gray", "silver", "charcoal", "black", "sepia",
)  # fmt: skip

#: words that may precede a colour in a palette entry ("deep teal", "burnt orange")
COLOR_MODIFIERS = (
    "deep", "pale", "light", "dark", "soft", "warm", "cool", "muted", "bright", "burnt", "dusty",
    "neon", "pastel", "faded", "rich", "electric", "off",
)  # fmt: skip

#: the shot grammar as one group of groups (the composer shows these as its camera chips)
SHOT_GRAMMAR = MappingProxyType(
    {"shot_types": SHOT_TYPES, "angles": ANGLES, "camera_moves": CAMERA_MOVES, "lenses": LENSES}
)

#: every category, in the order the composer shows them
VOCABULARY = MappingProxyType(
    {
        "lighting": LIGHTING,
        "time_of_day": TIME_OF_DAY,
        "motion": MOTION,
        "quality": QUALITY,
        "shot_types": SHOT_TYPES,
        "angles": ANGLES,
        "camera_moves": CAMERA_MOVES,
        "lenses": LENSES,
        "styles": STYLES,
        "moods": MOODS,
        "colors": COLORS,
    }
)

#: which `Prompt` field a chip of each category goes into
CATEGORY_FIELDS = MappingProxyType(
    {
        "lighting": "lighting",
        "time_of_day": "lighting",
        "motion": "style",
        "quality": "style",
        "shot_types": "shot",
        "angles": "angle",
        "camera_moves": "movement",
        "lenses": "shot",
        "styles": "style",
        "moods": "mood",
        "colors": "palette",
    }
)


def category_of(term: str) -> str | None:
    """The first category listing `term` (case-insensitive), or None."""
    low = term.strip().lower()
    for name, terms in VOCABULARY.items():
        if low in terms:
            return name
    return None
