"""Prompts for the linter's acceptance tests.

`GUIDE_EXAMPLES` are the seed guide's example prompts, word for word, with the findings a careful
reader expects. `CLEAN` are well-written prompts that must get no warning or error: they are
chosen to walk near the traps of word matching ("knight" holds "night", "piano" holds "no",
"Japan" holds "pan") and of idioms ("without looking back", "no longer").
"""

from __future__ import annotations

STRUCTURE_EXAMPLE = (
    "A young woman with long flowing hair wearing a red dress walks through a sunlit forest, golden hour "
    "lighting filters through ancient trees, cinematic style reminiscent of Studio Ghibli, smooth camera pan "
    "following her movement, 4K resolution, 24fps"
)
BASIC_SCENE = (
    "A fluffy golden retriever puppy playing in a sunny meadow, bright green grass, blue sky with white "
    "clouds, playful energy, close-up shots, 6 seconds, 1080p"
)
CINEMATIC_SCENE = (
    "Epic mountain landscape at sunset, mist rolling through valleys, dramatic orange and purple sky, "
    "cinematic wide shot, slow camera movement revealing the vista, professional photography, 8 seconds, "
    "1080p, 24fps"
)
CHARACTER_ANIMATION = (
    "Young professional woman in business attire walking confidently through modern office space, glass "
    "walls, natural lighting, smooth tracking shot following her, determined expression, 5 seconds, 1080p"
)
ARTISTIC_STYLE = (
    "Surreal dreamscape with floating geometric shapes, pastel colors, ethereal atmosphere, inspired by "
    "Salvador Dali, smooth floating camera movement, 7 seconds, 1080p, artistic"
)

#: prompt -> the prose parameters a careful reader flags in it
GUIDE_EXAMPLES: dict[str, tuple[str, ...]] = {
    STRUCTURE_EXAMPLE: ("4K resolution", "24fps"),
    BASIC_SCENE: ("6 seconds", "1080p"),
    CINEMATIC_SCENE: ("8 seconds", "1080p", "24fps"),
    CHARACTER_ANIMATION: ("5 seconds", "1080p"),
    ARTISTIC_STYLE: ("7 seconds", "1080p"),
}

CLEAN: tuple[str, ...] = (
    "A knight in dented silver armor kneels in a misty chapel, candlelight flickering on the stone walls, "
    "medium shot, slow dolly in",
    "An elderly pianist plays a grand piano in an empty concert hall, a single warm spotlight from above, "
    "low angle, static camera",
    "A bullet train glides past Mount Fuji in Japan at dawn, soft pink light on the snow, aerial view, "
    "tracking shot alongside the train",
    "A red fox trots through fresh snow in a birch forest, overcast winter light, telephoto lens, "
    "shallow depth of field, slow pan left",
    "A barista pours steamed milk into a latte, forming a leaf pattern, morning sun through the cafe window, "
    "extreme close-up, static camera",
    "A hummingbird hovers at a red flower, wings blurred, dappled afternoon light, macro lens, slow motion",
    "A lighthouse on a rocky cliff at dusk, waves breaking below, its beam sweeping through the fog, "
    "wide shot, locked-off camera",
    "A girl in a yellow raincoat jumps into a puddle on a quiet street, overcast light, low angle, "
    "handheld camera, playful mood",
    "Neon signs reflect on wet pavement in a Tokyo alley at night, a lone cyclist rides away from camera, "
    "wide shot, slow push in, cyberpunk style",
    "A potter shapes wet clay on a spinning wheel, hands in the foreground, window light from the left, "
    "close-up, 50mm lens",
    "Time-lapse of clouds rolling over a desert canyon, harsh midday sun giving way to a golden sunset, "
    "extreme wide shot, static camera",
    "A sailboat crosses a calm bay at golden hour, a palette of teal, amber and cream, drone shot, "
    "serene mood",
    "An astronaut floats inside a space station, Earth glowing blue through the window behind her, "
    "medium shot, slow orbit",
    "A chef flips vegetables in a hot wok, flames leaping up, warm tungsten light, medium close-up, "
    "handheld",
    "A grandmother knits by the fireplace, a cat asleep on the rug in the foreground, firelight, "
    "wide shot, static camera, cozy mood",
    "A dancer spins across an empty stage without looking back, a single spotlight, high angle, "
    "slow crane up",
    "A child stands on a pier no longer waving as the ferry leaves, soft evening light, "
    "over-the-shoulder shot, static camera",
    "Paper lanterns drift over a river at night, 1,000 small flames reflected in the water, "
    "wide shot, slow tilt up",
    "An old man says \"No, not today\" to a street vendor, market stalls behind him, dappled daylight, "
    "medium shot, static camera",
    "A panda chews bamboo in a misty forest clearing, soft diffused light, medium shot, 85mm lens, "
    "documentary style",
)
