"""The effective settings of a distillation objective, resolved from ``model.distill``.

One function turns the config's ``distill`` dict into the values the
distiller trains with, so that the distiller, the recipe table
(``.dev_scripts/recipe_table.py``) and the tests read the same numbers.
The defaults are the paper's (Appendix C); see ``docs/conventions.md``.
"""
from dataclasses import dataclass, field
from typing import Dict, Optional

METHODS = ('kd', 'wkd', 'dive', 'cckd', 'acckd')
#: the terms of ACCKD's objective (Eq. 16-17), each switchable with distill.terms
TERMS = ('sup', 'cckd', 'fi', 'sup_mix', 'cckd_mix', 'fi_mix')
#: where the align layer sits: in the student's encoder (Section 3.4) or on a branch
ALIGN_MODES = ('encoder', 'branch')
KEYS = ('method', 'tau', 'alpha1', 'alpha2', 'terms', 'feature_imitation', 'align',
        'always_align', 'dive', 'sup_mix_loss')
#: the loss of the mixed samples: Eq. 14's teacher-weighted cross-entropy, or the
#: student head's own loss on the same teacher-weighted soft target
SUP_MIX_LOSSES = ('eq14', 'student')
DIVE_KEYS = ('power', 'alpha')

# Appendix C: "The temperature parameter for distillation, tau, is set to 2."
CCKD_TAU = 2.0
# Appendix C: "For comparative methods, the distillation temperature parameter tau
# is set to 1."
BASELINE_TAU = 1.0
# Appendix C: "we set the balancing parameters for the loss terms, alpha1 and alpha2,
# to 1 and 2, respectively."
ALPHA1, ALPHA2 = 1.0, 2.0


@dataclass(frozen=True)
class DistillSettings:
    """What a distiller trains with.

    Attributes:
        method: one of :data:`METHODS`.
        tau: distillation temperature.
        alpha1: weight of ``L_cckd`` and ``L_cckd_mix``.
        alpha2: weight of ``L_fi`` and ``L_fi_mix``.
        terms: which terms of :data:`TERMS` are on.
        align: :data:`ALIGN_MODES` entry, or ``None`` without feature imitation:
            where the align layer sits when the student's and the teacher's
            feature sizes differ.
        always_align: add the layer even when the sizes are equal (Section 3.4
            adds it only "due to the different feature dimensions").
        dive: extra arguments of ``DiVELoss`` (``power``, ``alpha``).
        sup_mix_loss: :data:`SUP_MIX_LOSSES` entry (``'eq14'``, the paper's).
    """

    method: str
    tau: float
    alpha1: float
    alpha2: float
    terms: Dict[str, bool]
    align: Optional[str]
    always_align: bool = False
    dive: Dict[str, float] = field(default_factory=dict)
    sup_mix_loss: str = 'eq14'

    def needs_align_layer(self, student_dim: Optional[int],
                          teacher_dim: Optional[int]) -> bool:
        """Whether feature imitation maps the student's feature through a linear
        layer: where the two feature sizes differ, or when ``always_align``."""
        if self.align is None:
            return False
        return self.always_align or student_dim != teacher_dim

    @property
    def feature_imitation(self) -> bool:
        return self.terms['fi'] or self.terms['fi_mix']

    @property
    def needs_mix(self) -> bool:
        """Whether the objective uses mixed samples (and so partner images)."""
        return self.terms['sup_mix'] or self.terms['cckd_mix'] or self.terms['fi_mix']

    @property
    def needs_priors(self) -> bool:
        """Whether the objective uses the teacher / training priors (Eq. 4, 9)."""
        return self.terms['cckd'] or self.terms['cckd_mix']


def resolve_distill(distill: dict) -> DistillSettings:
    """``model.distill`` -> :class:`DistillSettings`, with the paper's defaults.

    * ``tau``: 2 for ``cckd`` / ``acckd``, 1 for ``kd`` / ``wkd`` / ``dive``.
    * ``alpha1`` = 1, ``alpha2`` = 2.
    * ``terms``: ``acckd`` turns every term on and accepts switches; ``cckd``
      is ``sup + cckd``; ``kd`` / ``wkd`` are ``sup`` plus their own loss;
      ``dive`` has no ``sup`` (DiVE holds its balanced-softmax term).
    * ``feature_imitation=False`` turns ``fi`` and ``fi_mix`` off (and so the
      align layer); ``align`` defaults to ``'encoder'``; ``always_align``
      (default ``False``) keeps a layer where the feature sizes are equal.

    Raises:
        ValueError: an unknown key, method, term or align mode, naming it.
    """
    distill = dict(distill or {})
    unknown = sorted(set(distill) - set(KEYS))
    if unknown:
        raise ValueError(
            f'model.distill: unknown keys {unknown}; valid keys: {list(KEYS)}')
    method = distill.get('method')
    if method not in METHODS:
        raise ValueError(f'model.distill.method must be one of {list(METHODS)}, '
                         f'got {method!r}')
    default_tau = CCKD_TAU if method in ('cckd', 'acckd') else BASELINE_TAU
    tau = float(distill.get('tau', default_tau))
    if tau <= 0:
        raise ValueError(f'model.distill.tau must be positive, got {tau}')
    switches = dict(distill.get('terms') or {})
    bad_terms = sorted(set(switches) - set(TERMS))
    if bad_terms:
        raise ValueError(f'model.distill.terms: unknown {bad_terms}; valid terms: '
                         f'{list(TERMS)}')
    if switches and method != 'acckd':
        raise ValueError(f"model.distill.terms switches ACCKD's terms; method is "
                         f'{method!r}')
    terms = dict.fromkeys(TERMS, method == 'acckd')
    terms['sup'] = method != 'dive'
    terms['cckd'] = method in ('cckd', 'acckd')
    terms.update({k: bool(v) for k, v in switches.items()})
    if not distill.get('feature_imitation', True):
        terms['fi'] = terms['fi_mix'] = False
    align = distill.get('align', 'encoder')
    if align not in ALIGN_MODES:
        raise ValueError(f'model.distill.align must be one of {list(ALIGN_MODES)}, '
                         f'got {align!r}')
    dive = dict(distill.get('dive') or {})
    bad_dive = sorted(set(dive) - set(DIVE_KEYS))
    if bad_dive:
        raise ValueError(f'model.distill.dive: unknown keys {bad_dive}; valid keys: '
                         f'{list(DIVE_KEYS)}')
    always_align = distill.get('always_align', False)
    if not isinstance(always_align, bool):
        raise ValueError(f'model.distill.always_align must be True or False, got '
                         f'{always_align!r}')
    sup_mix_loss = distill.get('sup_mix_loss', 'eq14')
    if sup_mix_loss not in SUP_MIX_LOSSES:
        raise ValueError(f'model.distill.sup_mix_loss must be one of '
                         f'{list(SUP_MIX_LOSSES)}, got {sup_mix_loss!r}')
    settings = DistillSettings(
        method=method, tau=tau, alpha1=float(distill.get('alpha1', ALPHA1)),
        alpha2=float(distill.get('alpha2', ALPHA2)), terms=terms, align=None,
        always_align=always_align, dive=dive, sup_mix_loss=sup_mix_loss)
    if not any(terms.values()) and method == 'acckd':
        raise ValueError('model.distill.terms switches every ACCKD term off')
    if settings.feature_imitation:
        settings = DistillSettings(**{**settings.__dict__, 'align': align})
    return settings
