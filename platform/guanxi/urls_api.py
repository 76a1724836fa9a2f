"""The workspace REST API, version 1."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.access import api as access_api
from core.activities import api as activities_api
from core.auditlog import api as audit_api
from core.campaigns import api as campaigns_api
from core.customization import api as config_api
from core.leads import api as leads_api
from core.overview import api as overview_api
from core.records import api as records_api
from core.reports import api as reports_api
from core.service import api as service_api
from core.users import api as users_api

urlpatterns = [
    path("config", config_api.ConfigView.as_view(), name="config"),
    path("config/validate", config_api.ConfigValidateView.as_view(), name="config-validate"),
    path("config/versions", config_api.ConfigVersionsView.as_view(), name="config-versions"),
    path("config/versions/<int:number>", config_api.ConfigVersionView.as_view(), name="config-version"),
    path("config/diff", config_api.ConfigDiffView.as_view(), name="config-diff"),
    path("config/rollback", config_api.ConfigRollbackView.as_view(), name="config-rollback"),
    path("config/presets", config_api.ConfigPresetsView.as_view(), name="config-presets"),
    path("config/custom-fields/<str:entity>", config_api.CustomFieldOrderView.as_view(),
         name="config-custom-field-order"),
    path("config/custom-fields/<str:entity>/<str:key>", config_api.CustomFieldView.as_view(),
         name="config-custom-field"),
    path("config/custom-fields/<str:entity>/<str:key>/restore", config_api.CustomFieldRestoreView.as_view(),
         name="config-custom-field-restore"),
    path("config/pipelines/<str:key>", config_api.PipelineView.as_view(), name="config-pipeline"),
    path("config/pipelines/<str:key>/restore", config_api.PipelineRestoreView.as_view(),
         name="config-pipeline-restore"),
    path("config/pipelines/<str:key>/default", config_api.PipelineDefaultView.as_view(),
         name="config-pipeline-default"),
    path("reports/pipeline", reports_api.PipelineReportView.as_view(), name="report-pipeline"),
    path("meta/fields/<str:entity>", config_api.MetaFieldsView.as_view(), name="meta-fields"),
    path("me", users_api.MeView.as_view(), name="me"),
    path("me/password", users_api.MyPasswordView.as_view(), name="me-password"),
    path("users", users_api.UserListView.as_view(), name="users"),
    path("users/<int:pk>", users_api.UserDetailView.as_view(), name="user-detail"),
    path("invitations", users_api.InvitationListView.as_view(), name="invitations"),
    path("auth/token", users_api.TokenObtainView.as_view(), name="auth-token"),
    path("tokens", users_api.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>", users_api.TokenDetailView.as_view(), name="token-detail"),
    path("accounts", records_api.AccountListView.as_view(), name="accounts"),
    path("accounts/merge", records_api.AccountMergeView.as_view(), name="accounts-merge"),
    path("accounts/reassign", records_api.AccountReassignView.as_view(), name="accounts-reassign"),
    path("accounts/export", records_api.AccountExportView.as_view(), name="accounts-export"),
    path("accounts/duplicates", records_api.AccountDuplicateCheckView.as_view(), name="accounts-duplicates"),
    path("accounts/<int:pk>/duplicates", records_api.AccountDuplicatesView.as_view(), name="account-duplicates"),
    path("contacts/merge", records_api.ContactMergeView.as_view(), name="contacts-merge"),
    path("contacts/<int:pk>/duplicates", records_api.ContactDuplicatesView.as_view(), name="contact-duplicates"),
    path("accounts/<int:pk>", records_api.AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<int:pk>/overview", overview_api.AccountOverviewView.as_view(), name="account-overview"),
    path("accounts/<int:pk>/claim", records_api.AccountClaimView.as_view(), name="account-claim"),
    path("accounts/<int:pk>/release", records_api.AccountReleaseView.as_view(), name="account-release"),
    path("accounts/<int:pk>/reveal", records_api.AccountRevealView.as_view(), name="account-reveal"),
    path("contacts", records_api.ContactListView.as_view(), name="contacts"),
    path("contacts/<int:pk>", records_api.ContactDetailView.as_view(), name="contact-detail"),
    path("contacts/<int:pk>/reveal", records_api.ContactRevealView.as_view(), name="contact-reveal"),
    path("deals", records_api.DealListView.as_view(), name="deals"),
    path("deals/<int:pk>", records_api.DealDetailView.as_view(), name="deal-detail"),
    path("deals/<int:pk>/move", records_api.DealMoveView.as_view(), name="deal-move"),
    path("products", records_api.ProductListView.as_view(), name="products"),
    path("products/<int:pk>", records_api.ProductDetailView.as_view(), name="product-detail"),
    path("leads", leads_api.LeadListView.as_view(), name="leads"),
    path("leads/<int:pk>", leads_api.LeadDetailView.as_view(), name="lead-detail"),
    path("leads/<int:pk>/convert", leads_api.LeadConvertView.as_view(), name="lead-convert"),
    path("campaigns", campaigns_api.CampaignListView.as_view(), name="campaigns"),
    path("campaigns/<int:pk>", campaigns_api.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<int:pk>/members", campaigns_api.CampaignMembersView.as_view(), name="campaign-members"),
    path("campaigns/<int:pk>/deals", campaigns_api.CampaignDealsView.as_view(), name="campaign-deals"),
    path("activities", activities_api.ActivityListView.as_view(), name="activities"),
    path("activities/<int:pk>", activities_api.ActivityDetailView.as_view(), name="activity-detail"),
    path("tasks", activities_api.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:pk>", activities_api.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/complete", activities_api.TaskCompleteView.as_view(), name="task-complete"),
    path("tickets", service_api.TicketListView.as_view(), name="tickets"),
    path("tickets/intake", service_api.TicketIntakeView.as_view(), name="ticket-intake"),
    path("tickets/<int:pk>", service_api.TicketDetailView.as_view(), name="ticket-detail"),
    path("tickets/<int:pk>/respond", service_api.TicketRespondView.as_view(), name="ticket-respond"),
    path("tickets/<int:pk>/resolve", service_api.TicketResolveView.as_view(), name="ticket-resolve"),
    path("tickets/<int:pk>/close", service_api.TicketCloseView.as_view(), name="ticket-close"),
    path("tickets/<int:pk>/reopen", service_api.TicketReopenView.as_view(), name="ticket-reopen"),
    path("tickets/<int:pk>/rate", service_api.TicketRateView.as_view(), name="ticket-rate"),
    path("tickets/<int:pk>/assign", service_api.TicketAssignView.as_view(), name="ticket-assign"),
    path("teams", access_api.TeamListView.as_view(), name="teams"),
    path("teams/<int:pk>", access_api.TeamDetailView.as_view(), name="team-detail"),
    path("audit-log", audit_api.AuditLogView.as_view(), name="audit-log"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves its start-up script as a file (?script), so the page runs no inline script
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
]
