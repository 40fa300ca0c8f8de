"""Template parameters: what Blueprint templates see, with Kanister's Go names and types.

* :mod:`kancli.params.model` -- ``TemplateParams`` and everything under it, plus the phase-param
  helpers (``init_phase_params``...), kanister-behaviour.md section 2;
* :mod:`kancli.params.profile` -- resolving a Profile's credential into ``.Profile``;
* :mod:`kancli.params.offline` -- building params from a params file (docs/params-file.md);
* :mod:`kancli.params.render` -- rendering an action's phases in Kanister's order;
* :mod:`kancli.params.redact` -- keeping Secret values out of what is printed.
"""
