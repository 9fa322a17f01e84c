from django.urls import path

from reporting.views import bulletins, dashboard, figures, rollups

urlpatterns = [
    path("reporting/", dashboard.dashboard, name="reporting-dashboard"),
    path("reporting/records/<slug:kind>/", dashboard.records, name="reporting-records"),
    path("reporting/rollups/", rollups.rollup_list, name="reporting-rollups"),
    path("reporting/rollups/action/", rollups.rollup_action, name="reporting-rollup-action"),
    path("reporting/summaries/<slug:kind>/<str:start>/", rollups.summary_detail, name="reporting-summary"),
    path("reporting/bulletins/", bulletins.bulletin_list, name="reporting-bulletins"),
    path("reporting/bulletins/<int:pk>/", bulletins.bulletin_detail, name="reporting-bulletin"),
    path("reporting/bulletins/<int:pk>/docx/", bulletins.bulletin_docx, name="reporting-bulletin-docx"),
    path("reporting/figures/", figures.figures, name="reporting-figures"),
]
