"""The rectification app's HTTP face, one module per resource. Lists and details come from the
selectors (cut by the access policy, so another unit's record is 404); every action with a rule
calls a service (so a forbidden one is 403). Each resource goes on the project's router in
`register(router)`; the evidence and public-report files are served by the viewsets in
`closures` and `public` (config/urls.py)."""

from rectification.api import arena, measures, petitions, problems, public, special, tv, visits


def register(router) -> None:
    """Put the rectification resources on the project's API router."""
    router.register("work-teams", special.WorkTeamViewSet, basename="work-team")
    router.register("problems", problems.ProblemViewSet, basename="problem")
    router.register("measures", measures.MeasureViewSet, basename="measure")
    router.register("site-visits", visits.SiteVisitViewSet, basename="site-visit")
    router.register("special-rectifications", special.SpecialRectificationViewSet, basename="special-rectification")
    router.register("special-tasks", special.SpecialTaskViewSet, basename="special-task")
    router.register("arena-rounds", arena.ArenaRoundViewSet, basename="arena-round")
    router.register("public-reports", public.PublicReportViewSet, basename="public-report")
    router.register("tv-sessions", tv.TvSessionViewSet, basename="tv-session")
    router.register("petition-cases", petitions.PetitionCaseViewSet, basename="petition-case")
