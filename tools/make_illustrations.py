"""Draw the exercise illustrations in data/illustrations/ from joint coordinates.

Run: python tools/make_illustrations.py   (rewrites every <id>.svg)

Each drawing is a plain stick figure on a 200 x 120 canvas (y grows downwards, the floor
is at y = 108): a head circle, lines for the body and limbs, grey for the far-side limbs,
thin grey lines for props (chair, bench, wall, machine). Only <svg>, <line>, <polyline>,
<circle>, <rect> and <path> with stroke attributes are used, so fpdf2 can embed them and
browsers show them without CSS.

A drawing shows the movement: the start position faint (``STARTS``), the end position
solid (``POSES``) and a blue arrow from where the joint that moves most starts to where it
ends (or the arrow in ``ARROWS``). Exercises held still (``STILL``: a hold, breathing, a
walk's stride) show one position, some with a small mark of the movement.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "illustrations"
FLOOR = 108
INK, FAR, PROP = "#1f2937", "#9ca3af", "#6b7280"
START_INK = "#cbd5e1"  # the start position, faint
ARROW = "#2563eb"

Pts = list[tuple[float, float]]


def pose(head, near: list[Pts], far: list[Pts] = (), props: list = (), floor=True) -> dict:
    return {
        "head": head,
        "near": list(near),
        "far": list(far),
        "props": list(props),
        "floor": floor,
    }


# ---------------------------------------------------------------- shared body shapes
def stand_side(arms=None, far_arms=None, legs=None, far_legs=None, head=(100, 17), props=()):
    torso = [(100, 27), (100, 62)]
    near_leg = legs or [(100, 62), (102, 85), (100, 106), (110, 106)]
    far_leg = far_legs or [(100, 62), (98, 85), (97, 106), (107, 106)]
    near_arm = arms or [(100, 32), (102, 47), (104, 61)]
    far_arm = far_arms or [(100, 32), (98, 47), (97, 61)]
    return pose(head, [torso, near_leg, near_arm], [far_leg, far_arm], props)


def stand_front(head=(100, 17), torso_top=(100, 27), right=None, left=None, extra=()):
    torso = [torso_top, (100, 60)]
    shoulders = [(torso_top[0] - 12, torso_top[1] + 3), (torso_top[0] + 12, torso_top[1] + 3)]
    r_arm = right or [shoulders[1], (116, 46), (118, 60)]
    l_arm = left or [shoulders[0], (84, 46), (82, 60)]
    legs = [
        [(93, 60), (107, 60)],
        [(93, 60), (92, 84), (91, 106), (85, 106)],
        [(107, 60), (108, 84), (109, 106), (115, 106)],
    ]
    return pose(head, [torso, shoulders, r_arm, l_arm, *legs, *extra])


CHAIR = [
    ("line", [(60, 78), (92, 78)]),
    ("line", [(62, 78), (62, 108)]),
    ("line", [(90, 78), (90, 108)]),
    ("line", [(62, 78), (62, 42)]),
]


def sit_chair(torso=None, head=(84, 31), near_leg=None, arms=None, far_arms=None, extra=()):
    body = torso or [(84, 75), (84, 41)]
    leg = near_leg or [(84, 75), (108, 75), (108, 106), (116, 106)]
    far_leg = [(84, 75), (105, 76), (104, 106), (112, 106)]
    arm = arms or [(84, 45), (92, 60), (104, 70)]
    far_arm = far_arms or [(84, 45), (90, 60), (100, 70)]
    return pose(head, [body, leg, arm, *extra], [far_leg, far_arm], CHAIR)


def supine(near_leg=None, far_leg=None, arm=None, torso=None, head=(30, 99), extra=(), props=()):
    body = torso or [(39, 102), (80, 102)]
    leg = near_leg or [(80, 102), (98, 80), (114, 104), (122, 104)]
    other = far_leg or [(80, 102), (96, 81), (111, 104), (119, 104)]
    a = arm or [(40, 102), (56, 104), (72, 104)]
    return pose(head, [body, leg, a, *extra], [other], props)


def all_fours(torso=None, head=(132, 68), near_arm=None, far_arm=None, near_leg=None, far_leg=None):
    body = torso or [(75, 82), (121, 76)]
    na = near_arm or [(121, 76), (122, 91), (123, 106)]
    fa = far_arm or [(121, 76), (119, 91), (119, 106)]
    nl = near_leg or [(75, 82), (76, 106), (52, 106)]
    fl = far_leg or [(75, 82), (73, 106), (49, 106)]
    return pose(head, [body, na, nl], [fa, fl])


def prone(torso=None, head=(30, 97), arm=None, near_leg=None, far_leg=None):
    body = torso or [(40, 101), (88, 101)]
    a = arm or [(40, 101), (30, 104), (22, 104)]
    nl = near_leg or [(88, 101), (112, 102), (136, 104), (138, 98)]
    fl = far_leg or [(88, 102), (112, 104), (134, 105), (136, 100)]
    return pose(head, [body, a, nl], [fl])


def walking(props=()):
    return stand_side(
        arms=[(100, 32), (96, 47), (90, 58)],
        far_arms=[(100, 32), (104, 47), (110, 58)],
        legs=[(100, 62), (108, 84), (114, 106), (122, 106)],
        far_legs=[(100, 62), (94, 84), (86, 103), (93, 108)],
        props=props,
    )


def walking_other_step(props=()):
    """The stride before: the other leg in front."""
    return stand_side(
        arms=[(100, 32), (104, 47), (110, 58)],
        far_arms=[(100, 32), (96, 47), (90, 58)],
        legs=[(100, 62), (94, 84), (86, 103), (93, 108)],
        far_legs=[(100, 62), (108, 84), (114, 106), (122, 106)],
        props=props,
    )


POSES: dict[str, dict] = {
    # warm-up
    "neck_chin_tuck": stand_side(head=(106, 23)),
    "neck_side_tilt": stand_front(head=(108, 20)),
    "neck_turn": stand_front(extra=[[(104, 14), (113, 12)]]),
    "shoulder_rolls": stand_side(props=[("path", "M 88 34 A 12 12 0 1 1 112 24")]),
    "standing_side_bend": pose(
        (116, 20),
        [
            [(100, 60), (110, 30)],
            [(98, 28), (122, 34)],
            [(122, 34), (120, 52), (112, 70)],
            [(98, 28), (100, 13), (112, 5)],
            [(93, 60), (107, 60)],
            [(93, 60), (92, 84), (91, 106), (85, 106)],
            [(107, 60), (108, 84), (109, 106), (115, 106)],
        ],
    ),
    "march_on_the_spot": stand_side(
        legs=[(100, 62), (121, 64), (120, 86), (128, 88)],
        arms=[(100, 32), (94, 46), (88, 56)],
        far_arms=[(100, 32), (106, 46), (114, 54)],
    ),
    "ankle_circles": sit_chair(
        near_leg=[(84, 75), (108, 78), (128, 86), (134, 79)],
        extra=[[(126, 92), (132, 96), (140, 92), (140, 84)]],
    ),
    "easy_walk_warm_up": walking(),
    "cat_cow": all_fours(torso=[(75, 82), (98, 64), (121, 76)], head=(130, 86)),
    "mountain_pose": stand_front(
        right=[(112, 30), (115, 46), (119, 60), (123, 58)],
        left=[(88, 30), (85, 46), (81, 60), (77, 58)],
    ),
    # main
    "pelvic_tilt": supine(props=[("path", "M 60 94 Q 66 90 72 94")]),
    "wall_pelvic_tilt": stand_side(
        head=(104, 17),
        arms=[(104, 32), (106, 47), (106, 60)],
        far_arms=[(104, 32), (101, 47), (100, 60)],
        legs=[(100, 62), (108, 84), (110, 106), (120, 106)],
        far_legs=[(100, 62), (106, 85), (108, 106), (118, 106)],
        props=[("line", [(94, 8), (94, 108)]), ("path", "M 104 58 Q 100 62 104 66")],
    ),
    "knee_rolls": supine(
        near_leg=[(80, 102), (102, 92), (114, 104), (122, 104)],
        far_leg=[(80, 102), (100, 86), (112, 104), (120, 104)],
        extra=[],
        props=[("path", "M 96 74 Q 108 70 112 82")],
    ),
    "bridge": supine(
        torso=[(39, 101), (78, 82)],
        near_leg=[(78, 82), (103, 75), (112, 104), (120, 104)],
        far_leg=[(78, 82), (101, 76), (109, 104), (117, 104)],
        arm=[(40, 101), (56, 104), (72, 104)],
    ),
    "single_leg_bridge": supine(
        torso=[(39, 101), (78, 82)],
        near_leg=[(78, 82), (103, 74), (128, 67), (130, 60)],
        far_leg=[(78, 82), (101, 76), (109, 104), (117, 104)],
    ),
    "bird_dog_one_limb": all_fours(near_leg=[(75, 82), (52, 80), (29, 80), (27, 74)]),
    "bird_dog": all_fours(
        near_leg=[(75, 82), (52, 80), (29, 80), (27, 74)],
        far_arm=[(121, 76), (139, 73), (157, 71)],
    ),
    "side_lying_leg_raise": pose(
        (30, 89),
        [
            [(39, 96), (88, 98)],
            [(88, 97), (112, 90), (136, 84), (140, 90)],
            [(39, 96), (30, 104), (44, 106)],
        ],
        [[(88, 99), (106, 106), (90, 106)]],
    ),
    "prone_leg_raise": prone(near_leg=[(88, 101), (110, 95), (112, 72), (118, 70)]),
    "partial_curl": supine(
        torso=[(48, 94), (82, 102)],
        head=(40, 87),
        near_leg=[(82, 102), (100, 81), (115, 104), (123, 104)],
        far_leg=[(82, 103), (106, 104), (130, 105), (132, 99)],
        arm=[(48, 94), (60, 103), (70, 104)],
    ),
    "back_extension": prone(
        torso=[(90, 102), (54, 78)],
        head=(45, 69),
        arm=[(54, 78), (54, 92), (54, 106)],
    ),
    "front_plank_knees": pose(
        (137, 80),
        [
            [(84, 98), (127, 87)],
            [(84, 98), (60, 106), (44, 94)],
            [(127, 87), (127, 106), (146, 106)],
        ],
        [[(84, 99), (62, 106), (47, 96)]],
    ),
    "heel_raises": stand_side(
        legs=[(100, 58), (102, 80), (100, 100), (108, 106)],
        far_legs=[(100, 58), (98, 80), (97, 100), (105, 106)],
        arms=[(100, 30), (114, 38), (129, 42)],
        head=(100, 13),
        props=[("line", [(132, 10), (132, 108)])],
    ),
    "sit_to_stand": pose(
        (115, 36),
        [
            [(92, 70), (108, 44)],
            [(92, 70), (114, 80), (110, 106), (118, 106)],
            [(108, 48), (120, 58), (128, 64)],
        ],
        [[(92, 70), (112, 81), (107, 106), (115, 106)]],
        CHAIR,
    ),
    "brisk_walk": walking(),
    "sphinx": prone(
        torso=[(90, 102), (52, 88)],
        head=(43, 79),
        arm=[(52, 88), (54, 106), (32, 106)],
    ),
    "thread_the_needle": all_fours(
        torso=[(75, 80), (116, 92)],
        head=(126, 98),
        near_arm=[(116, 92), (104, 104), (88, 106)],
        far_arm=[(116, 92), (118, 99), (119, 106)],
    ),
    "bench_one_arm_row": pose(
        (135, 50),
        [[(80, 60), (125, 56)], [(80, 60), (98, 79), (124, 79)], [(125, 56), (118, 70), (124, 80)]],
        [[(80, 60), (76, 84), (72, 106), (80, 106)], [(125, 56), (132, 68), (140, 79)]],
        [
            ("rect", 96, 81, 62, 8),
            ("line", [(102, 89), (102, 108)]),
            ("line", [(152, 89), (152, 108)]),
            ("rect", 118, 80, 10, 6),
        ],
    ),
    "bench_step_up": stand_side(
        legs=[(100, 62), (118, 70), (120, 86), (128, 86)],
        arms=[(100, 32), (96, 47), (92, 60)],
        props=[("rect", 110, 88, 44, 20)],
    ),
    "incline_bench_hip_thrust": pose(
        (40, 70),
        [
            [(48, 79), (88, 80)],
            [(88, 80), (112, 80), (114, 104), (122, 104)],
            [(48, 79), (60, 84), (70, 82)],
        ],
        [[(88, 81), (110, 81), (111, 104), (119, 104)]],
        [("rect", 14, 80, 34, 8), ("line", [(20, 88), (20, 108)]), ("line", [(42, 88), (42, 108)])],
    ),
    "machine_seated_row": pose(
        (86, 30),
        [
            [(86, 73), (86, 40)],
            [(86, 73), (110, 68), (132, 84), (136, 80)],
            [(86, 44), (74, 56), (94, 58)],
        ],
        [[(86, 74), (108, 70), (130, 86)]],
        [
            ("rect", 70, 75, 30, 6),
            ("line", [(85, 81), (85, 108)]),
            ("line", [(166, 30), (166, 108)]),
            ("line", [(94, 58), (166, 58)]),
            ("line", [(140, 70), (140, 100)]),
        ],
    ),
    "machine_lat_pulldown": pose(
        (86, 34),
        [
            [(86, 78), (86, 44)],
            [(86, 78), (110, 78), (110, 106), (118, 106)],
            [(86, 48), (70, 52), (66, 36)],
        ],
        [[(86, 48), (102, 52), (106, 36)]],
        [
            ("rect", 70, 80, 30, 6),
            ("line", [(85, 86), (85, 108)]),
            ("line", [(58, 36), (114, 36)]),
            ("line", [(86, 36), (86, 6)]),
            ("line", [(86, 6), (150, 6)]),
            ("line", [(150, 6), (150, 108)]),
            ("rect", 100, 60, 16, 6),
        ],
    ),
    "machine_leg_press": pose(
        (38, 52),
        [
            [(72, 92), (45, 62)],
            [(72, 92), (98, 84), (124, 76), (128, 70)],
            [(48, 66), (62, 80), (74, 86)],
        ],
        [[(72, 92), (97, 86), (122, 80)]],
        [
            ("line", [(36, 56), (66, 98)]),
            ("line", [(66, 98), (90, 98)]),
            ("line", [(134, 56), (126, 98)]),
            ("line", [(78, 98), (78, 108)]),
            ("line", [(128, 96), (150, 108)]),
        ],
    ),
    "machine_cable_press": stand_side(
        arms=[(100, 34), (116, 36), (132, 38)],
        far_arms=[(100, 34), (114, 38), (130, 40)],
        props=[("line", [(166, 10), (166, 108)]), ("line", [(132, 38), (166, 30)])],
    ),
    "machine_bike": pose(
        (106, 21),
        [
            [(80, 58), (100, 30)],
            [(80, 58), (102, 70), (100, 98)],
            [(100, 33), (114, 40), (128, 46)],
        ],
        [[(80, 58), (96, 68), (112, 84)]],
        [
            ("line", [(72, 60), (88, 60)]),
            ("line", [(80, 60), (104, 92)]),
            ("circle", 104, 92, 10),
            ("line", [(104, 92), (128, 46)]),
            ("line", [(124, 46), (134, 46)]),
            ("line", [(70, 108), (140, 108)]),
            ("line", [(104, 102), (104, 108)]),
        ],
    ),
    "machine_back_extension": pose(
        (146, 36),
        [
            [(104, 72), (140, 44)],
            [(104, 72), (82, 90), (62, 106)],
            [(136, 48), (128, 44), (134, 56)],
        ],
        [],
        [
            ("line", [(100, 82), (112, 70)]),
            ("line", [(106, 76), (100, 108)]),
            ("circle", 60, 100, 4),
            ("line", [(56, 108), (100, 108)]),
        ],
    ),
    # cool-down
    "knee_to_chest": supine(
        near_leg=[(80, 102), (62, 80), (84, 76), (90, 77)],
        arm=[(40, 101), (52, 90), (62, 81)],
    ),
    "bottom_to_heels": pose(
        (134, 78),
        [
            [(84, 86), (122, 82)],
            [(122, 82), (125, 94), (128, 106)],
            [(84, 86), (104, 106), (76, 106)],
        ],
        [[(84, 87), (101, 106), (73, 106)], [(122, 82), (122, 94), (124, 106)]],
    ),
    # The part-way version (osteoporosis): the hips move back a little, the back stays flat.
    "bottom_to_heels_partial": all_fours(
        torso=[(68, 85), (114, 79)],
        head=(125, 72),
        near_arm=[(114, 79), (119, 93), (123, 106)],
        far_arm=[(114, 79), (116, 93), (119, 106)],
        near_leg=[(68, 85), (77, 106), (53, 106)],
        far_leg=[(68, 85), (74, 106), (50, 106)],
    )
    | {"props": [("path", "M 88 72 Q 78 66 66 72 M 66 72 L 72 69 M 66 72 L 70 76")]},
    "hamstring_stretch_strap": supine(
        near_leg=[(80, 102), (96, 76), (111, 50), (116, 46)],
        arm=[(40, 101), (54, 86), (66, 74)],
        props=[("line", [(66, 74), (114, 47)])],
    ),
    "seated_hamstring_stretch": sit_chair(
        torso=[(84, 75), (100, 47)],
        head=(106, 38),
        near_leg=[(84, 75), (110, 88), (134, 104), (136, 96)],
        arms=[(98, 51), (104, 66), (112, 82)],
        far_arms=[(98, 51), (102, 66), (108, 80)],
    ),
    "piriformis_stretch": supine(
        near_leg=[(80, 102), (106, 88), (90, 74)],
        far_leg=[(80, 102), (92, 70), (112, 76), (116, 70)],
        arm=[(40, 101), (62, 86), (84, 78)],
    ),
    "standing_calf_stretch": pose(
        (130, 21),
        [
            [(108, 60), (124, 30)],
            [(108, 60), (124, 82), (122, 106), (130, 106)],
            [(124, 33), (138, 38), (149, 40)],
            [(108, 60), (88, 84), (70, 106), (79, 106)],
        ],
        [],
        [("line", [(152, 8), (152, 108)])],
    ),
    "standing_quad_stretch": stand_side(
        legs=[(100, 62), (102, 86), (86, 72), (84, 64)],
        far_legs=[(100, 62), (98, 85), (98, 106), (108, 106)],
        arms=[(100, 32), (92, 52), (86, 70)],
        far_arms=[(100, 32), (112, 40), (126, 42)],
        props=[("line", [(129, 8), (129, 108)])],
    ),
    "chest_doorway_stretch": stand_side(
        head=(110, 18),
        arms=[(104, 31), (90, 32), (88, 14)],
        far_arms=[(104, 31), (91, 34), (89, 16)],
        legs=[(100, 62), (110, 84), (114, 106), (122, 106)],
        props=[("line", [(86, 4), (86, 108)])],
    ),
    "seated_twist": sit_chair(
        arms=[(84, 45), (72, 56), (64, 60)],
        extra=[[(79, 30), (71, 29)]],
    ),
    "relaxed_breathing": supine(arm=[(40, 101), (54, 92), (64, 97)]),
    "child_pose": pose(
        (133, 99),
        [
            [(84, 86), (122, 95)],
            [(122, 95), (146, 104), (170, 106)],
            [(84, 86), (104, 106), (76, 106)],
        ],
        [[(84, 87), (101, 106), (73, 106)]],
    ),
    "supine_twist": supine(
        near_leg=[(80, 102), (102, 96), (114, 104), (122, 104)],
        far_leg=[(80, 102), (100, 88), (112, 104), (120, 104)],
        extra=[[(24, 97), (20, 92)]],
        props=[("path", "M 94 76 Q 108 72 112 84")],
    ),
    "seated_forward_fold": sit_chair(
        torso=[(84, 75), (87, 56), (95, 44)],
        head=(102, 50),
        arms=[(95, 47), (100, 60), (104, 72)],
    ),
}


# The start position of each exercise that moves (the end position is in POSES).
STARTS: dict[str, dict] = {
    # warm-up
    "neck_chin_tuck": stand_side(),
    "neck_side_tilt": stand_front(),
    "neck_turn": stand_front(extra=[[(100, 14), (100, 10)]]),
    "standing_side_bend": stand_front(left=[(88, 30), (86, 15), (87, 2)]),
    "march_on_the_spot": stand_side(),
    "easy_walk_warm_up": walking_other_step(),
    "cat_cow": all_fours(torso=[(75, 82), (98, 80), (121, 76)], head=(132, 68)),
    # main
    "knee_rolls": supine(extra=[]),
    "bridge": supine(),
    "single_leg_bridge": supine(),
    "bird_dog_one_limb": all_fours(),
    "bird_dog": all_fours(),
    "side_lying_leg_raise": pose(
        (30, 89),
        [
            [(39, 96), (88, 98)],
            [(88, 97), (112, 100), (136, 102), (140, 97)],
            [(39, 96), (30, 104), (44, 106)],
        ],
        [[(88, 99), (106, 106), (90, 106)]],
    ),
    "prone_leg_raise": prone(),
    "partial_curl": supine(
        torso=[(40, 102), (82, 102)],
        head=(31, 99),
        near_leg=[(82, 102), (100, 81), (115, 104), (123, 104)],
        far_leg=[(82, 103), (106, 104), (130, 105), (132, 99)],
        arm=[(40, 102), (56, 104), (70, 104)],
    ),
    "back_extension": prone(
        torso=[(90, 102), (40, 101)], head=(30, 97), arm=[(40, 101), (46, 104), (54, 104)]
    ),
    "front_plank_knees": pose(
        (137, 97),
        [
            [(84, 104), (127, 102)],
            [(84, 104), (60, 106), (44, 100)],
            [(127, 102), (127, 106), (146, 106)],
        ],
        [[(84, 105), (62, 106), (47, 101)]],
    ),
    "heel_raises": stand_side(
        arms=[(100, 32), (114, 40), (129, 44)],
        props=[("line", [(132, 10), (132, 108)])],
    ),
    "sit_to_stand": pose(
        (88, 31),
        [
            [(84, 75), (88, 41)],
            [(84, 75), (108, 75), (108, 106), (116, 106)],
            [(88, 45), (100, 56), (110, 62)],
        ],
        [[(84, 75), (105, 76), (104, 106), (112, 106)]],
        CHAIR,
    ),
    "brisk_walk": walking_other_step(),
    "sphinx": prone(
        torso=[(90, 102), (40, 101)], head=(30, 97), arm=[(40, 101), (46, 104), (54, 104)]
    ),
    "thread_the_needle": all_fours(),
    "bench_one_arm_row": pose(
        (135, 50),
        [[(80, 60), (125, 56)], [(80, 60), (98, 79), (124, 79)], [(125, 56), (126, 70), (126, 82)]],
        [[(80, 60), (76, 84), (72, 106), (80, 106)], [(125, 56), (132, 68), (140, 79)]],
        [
            ("rect", 96, 81, 62, 8),
            ("line", [(102, 89), (102, 108)]),
            ("line", [(152, 89), (152, 108)]),
        ],
    ),
    "bench_step_up": stand_side(props=[("rect", 110, 88, 44, 20)]),
    "incline_bench_hip_thrust": pose(
        (40, 70),
        [
            [(48, 79), (84, 96)],
            [(84, 96), (110, 84), (114, 104), (122, 104)],
            [(48, 79), (60, 84), (70, 82)],
        ],
        [[(84, 97), (108, 85), (111, 104), (119, 104)]],
        [("rect", 14, 80, 34, 8), ("line", [(20, 88), (20, 108)]), ("line", [(42, 88), (42, 108)])],
    ),
    "machine_seated_row": pose(
        (86, 30),
        [
            [(86, 73), (86, 40)],
            [(86, 73), (110, 68), (132, 84), (136, 80)],
            [(86, 44), (108, 52), (128, 58)],
        ],
        [[(86, 74), (108, 70), (130, 86)]],
        [("rect", 70, 75, 30, 6), ("line", [(85, 81), (85, 108)])],
    ),
    "machine_lat_pulldown": pose(
        (86, 34),
        [
            [(86, 78), (86, 44)],
            [(86, 78), (110, 78), (110, 106), (118, 106)],
            [(86, 48), (72, 36), (66, 20)],
        ],
        [[(86, 48), (100, 36), (106, 20)]],
        [("rect", 70, 80, 30, 6), ("line", [(85, 86), (85, 108)])],
    ),
    "machine_leg_press": pose(
        (38, 52),
        [
            [(72, 92), (45, 62)],
            [(72, 92), (96, 70), (118, 82), (122, 76)],
            [(48, 66), (62, 80), (74, 86)],
        ],
        [[(72, 92), (94, 72), (116, 86)]],
        [("line", [(36, 56), (66, 98)]), ("line", [(66, 98), (90, 98)])],
    ),
    "machine_cable_press": stand_side(
        arms=[(100, 34), (110, 46), (118, 36)],
        far_arms=[(100, 34), (108, 48), (116, 38)],
        props=[("line", [(166, 10), (166, 108)])],
    ),
    "machine_bike": pose(
        (106, 21),
        [
            [(80, 58), (100, 30)],
            [(80, 58), (96, 68), (112, 84)],
            [(100, 33), (114, 40), (128, 46)],
        ],
        [[(80, 58), (102, 70), (100, 98)]],
        [("line", [(72, 60), (88, 60)]), ("circle", 104, 92, 10)],
    ),
    "machine_back_extension": pose(
        (132, 92),
        [
            [(104, 72), (128, 96)],
            [(104, 72), (82, 90), (62, 106)],
            [(124, 92), (118, 98), (126, 100)],
        ],
        [],
        [("line", [(100, 82), (112, 70)]), ("line", [(106, 76), (100, 108)])],
    ),
    # cool-down
    "knee_to_chest": supine(),
    "bottom_to_heels": pose(  # on all fours; the knees and hands stay where they are
        (140, 70),
        [
            [(100, 84), (130, 78)],
            [(130, 78), (129, 92), (128, 106)],
            [(100, 84), (104, 106), (76, 106)],
        ],
        [[(100, 85), (101, 106), (73, 106)], [(130, 78), (125, 92), (124, 106)]],
    ),
    "bottom_to_heels_partial": all_fours(),
    "hamstring_stretch_strap": supine(arm=[(40, 101), (54, 86), (66, 74)]),
    "seated_hamstring_stretch": sit_chair(near_leg=[(84, 75), (110, 88), (134, 104), (136, 96)]),
    "piriformis_stretch": supine(
        near_leg=[(80, 102), (106, 88), (90, 74)],
        far_leg=[(80, 102), (96, 81), (111, 104), (119, 104)],
    ),
    "standing_calf_stretch": pose(
        (111, 21),
        [
            [(108, 60), (110, 30)],
            [(108, 60), (112, 84), (112, 106), (120, 106)],
            [(110, 33), (124, 40), (134, 44)],
            [(108, 60), (104, 84), (100, 106), (108, 106)],
        ],
        [],
        [("line", [(152, 8), (152, 108)])],
    ),
    "standing_quad_stretch": stand_side(
        far_arms=[(100, 32), (112, 40), (126, 42)],
        props=[("line", [(129, 8), (129, 108)])],
    ),
    "chest_doorway_stretch": stand_side(
        head=(104, 17),
        arms=[(104, 31), (92, 36), (90, 26)],
        far_arms=[(104, 31), (93, 38), (91, 28)],
        legs=[(100, 62), (104, 84), (104, 106), (112, 106)],
        props=[("line", [(86, 4), (86, 108)])],
    ),
    "seated_twist": sit_chair(extra=[[(89, 30), (97, 29)]]),
    "child_pose": pose(  # on all fours, the knees where they stay
        (151, 70),
        [
            [(104, 82), (140, 78)],
            [(140, 78), (141, 92), (142, 106)],
            [(104, 82), (104, 106), (76, 106)],
        ],
        [[(104, 83), (101, 106), (73, 106)]],
    ),
    "supine_twist": supine(extra=[[(24, 97), (22, 91)]]),
    "seated_forward_fold": sit_chair(
        torso=[(84, 75), (84, 58), (84, 41)],
        head=(84, 31),
        arms=[(84, 44), (92, 60), (104, 70)],
    ),
}

# Held still: one position (some with a small mark of the movement, in their props).
STILL = frozenset(
    {
        "shoulder_rolls",
        "ankle_circles",
        "pelvic_tilt",
        "wall_pelvic_tilt",
        "relaxed_breathing",
        "mountain_pose",
    }
)

# Where the moving joint's arrow is drawn by hand: the head turns (it does not travel), and
# a bird dog's leg straightens from a bent knee (a figure of another shape).
ARROWS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "neck_turn": ((92, 4), (112, 4)),
    "bird_dog_one_limb": ((54, 104), (30, 80)),
    "bird_dog": ((54, 104), (30, 80)),
}


def _pts(pts: Pts) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in pts)


def _stroke(colour: str, width: float) -> str:
    return (
        f'fill="none" stroke="{colour}" stroke-width="{width:g}" '
        'stroke-linecap="round" stroke-linejoin="round"'
    )


def _figure(p: dict, ink: str, far: str, width: float, head_fill: str = "#ffffff") -> list[str]:
    out = [f'<polyline points="{_pts(line)}" {_stroke(far, width)}/>' for line in p["far"]]
    body = p["near"]
    hx, hy = p["head"]
    torso = body[0]
    neck = min(torso[0], torso[-1], key=lambda q: (q[0] - hx) ** 2 + (q[1] - hy) ** 2)
    out.append(f'<polyline points="{_pts([neck, (hx, hy)])}" {_stroke(ink, width)}/>')
    out += [f'<polyline points="{_pts(line)}" {_stroke(ink, width)}/>' for line in body]
    out.append(
        f'<circle cx="{hx}" cy="{hy}" r="8" fill="{head_fill}" stroke="{ink}" '
        f'stroke-width="{width - 0.5:g}"/>'
    )
    return out


def _points(p: dict) -> list[tuple[float, float]] | None:
    """Every point of the figure in order, or None for a figure of another shape."""
    lines = [*p["near"], *p["far"]]
    return [p["head"], *(point for line in lines for point in line)]


def moved(start: dict, end: dict) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """(from, to) of the point that moves most between two figures of the same shape."""
    if [len(line) for line in (*start["near"], *start["far"])] != [
        len(line) for line in (*end["near"], *end["far"])
    ]:
        return (start["head"], end["head"]) if start["head"] != end["head"] else None
    pairs = list(zip(_points(start), _points(end), strict=True))
    a, b = max(pairs, key=lambda ab: (ab[0][0] - ab[1][0]) ** 2 + (ab[0][1] - ab[1][1]) ** 2)
    return None if a == b else (a, b)


def _arrow(a: tuple[float, float], b: tuple[float, float]) -> list[str]:
    """A straight arrow from a towards b, stopping short of both joints."""
    (ax, ay), (bx, by) = a, b
    length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
    ux, uy = (bx - ax) / length, (by - ay) / length
    gap = min(5.0, length / 4)
    sx, sy, ex, ey = ax + ux * gap, ay + uy * gap, bx - ux * gap, by - uy * gap
    head = min(6.0, length / 3)
    left = (ex - head * (ux + uy * 0.6), ey - head * (uy - ux * 0.6))
    right = (ex - head * (ux - uy * 0.6), ey - head * (uy + ux * 0.6))
    r = lambda v: round(v, 1)  # noqa: E731
    return [
        f'<polyline points="{r(sx):g},{r(sy):g} {r(ex):g},{r(ey):g}" {_stroke(ARROW, 2)}/>',
        f'<polyline points="{r(left[0]):g},{r(left[1]):g} {r(ex):g},{r(ey):g} '
        f'{r(right[0]):g},{r(right[1]):g}" {_stroke(ARROW, 2)}/>',
    ]


def render(p: dict, start: dict | None = None, arrow=None) -> str:
    """The drawing: props, the start position faint (if any), the end position solid and
    an arrow for the movement."""
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="120" viewBox="0 0 200 120">',
        '<rect x="0" y="0" width="200" height="120" fill="#ffffff" stroke="none"/>',
    ]
    if p["floor"]:
        out.append(f'<line x1="6" y1="{FLOOR + 1}" x2="194" y2="{FLOOR + 1}" {_stroke(PROP, 2)}/>')
    for prop in p["props"]:
        kind = prop[0]
        if kind == "line":
            out.append(f'<polyline points="{_pts(prop[1])}" {_stroke(PROP, 2.5)}/>')
        elif kind == "rect":
            _, x, y, w, h = prop
            out.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" {_stroke(PROP, 2.5)}/>')
        elif kind == "circle":
            _, x, y, r = prop
            out.append(f'<circle cx="{x}" cy="{y}" r="{r}" {_stroke(PROP, 2.5)}/>')
        elif kind == "path":
            out.append(f'<path d="{prop[1]}" {_stroke(PROP, 2)}/>')
    if start is not None:
        out += _figure(start, START_INK, START_INK, 3, head_fill="none")
    out += _figure(p, INK, FAR, 4)
    if start is not None and (arrow or moved(start, p)):
        out += _arrow(*(arrow or moved(start, p)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def drawing(ident: str) -> str:
    """The SVG of one exercise: its start and end positions, or one for one held still."""
    return render(POSES[ident], STARTS.get(ident), ARROWS.get(ident))


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for ident in POSES:
        (OUT / f"{ident}.svg").write_text(drawing(ident), encoding="utf-8")
    print(f"wrote {len(POSES)} illustrations to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
