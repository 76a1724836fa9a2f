"""Every list filter of the API parses times PostgreSQL can take (core.api.filtering.FilterSet)."""

from django.urls import get_resolver

from core.api.filtering import FilterSet


def test_every_api_filterset_derives_from_the_checked_base():
    # given every view routed under /api/v1/
    api = next(p for p in get_resolver("guanxi.urls_tenant").url_patterns if str(p.pattern) == "api/v1/")
    classes = {getattr(p.callback, "view_class", None) for p in api.url_patterns}
    filtersets = {view.filterset_class for view in classes if getattr(view, "filterset_class", None)}
    # then each of their FilterSets has the form that refuses offsets beyond ±15:59 and years beyond 9999
    assert len(filtersets) == 9
    assert [f.__name__ for f in filtersets if not issubclass(f, FilterSet)] == []
