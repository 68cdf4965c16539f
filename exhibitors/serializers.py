"""Read-only API shapes of booths and products."""

from __future__ import annotations

from rest_framework import serializers

from exhibitors.models import Booth, Product
from fair.models import Company


class CompanySerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2")

    class Meta:
        model = Company
        fields = ["name", "country", "website", "languages", "certifications", "description", "size"]


class BoothSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="booth-detail")
    products_url = serializers.HyperlinkedIdentityField(view_name="booth-products")
    fair = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    hall = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    company = CompanySerializer(read_only=True)
    product_count = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="UTC, with offset.")

    class Meta:
        model = Booth
        fields = [
            "id",
            "url",
            "products_url",
            "fair",
            "hall",
            "company",
            "hs_codes",
            "target_markets",
            "status",
            "product_count",
            "updated_at",
        ]


class ProductSerializer(serializers.ModelSerializer):
    booth = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "booth",
            "name",
            "hs_code",
            "description",
            "moq",
            "moq_unit",
            "price_min",
            "price_max",
            "currency",
            "position",
        ]
