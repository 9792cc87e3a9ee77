"""The storefront's records, moved here from portal (portal.0003 renames their tables)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import storefront.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("offers", "0002_snapshots_and_transitions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ContactRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('lead_id', models.CharField(max_length=64, unique=True, verbose_name='lead ID')),
                        ('name', models.CharField(max_length=150, verbose_name='name')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('company', models.CharField(blank=True, max_length=200, verbose_name='company')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='phone')),
                        ('country', models.CharField(blank=True, max_length=2, verbose_name='country or region')),
                        ('message', models.TextField(blank=True, verbose_name='message')),
                        ('preview', models.BooleanField(default=False, verbose_name='preview (test) request')),
                        ('outbox_key', models.CharField(max_length=200, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('customer', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='contact_requests', to=settings.AUTH_USER_MODEL)),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='contact_requests', to='offers.offer')),
                        ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='offers.offersnapshot')),
                    ],
                    options={
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CustomerProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('company', models.CharField(blank=True, max_length=200, verbose_name='company')),
                        ('tenant_id', models.CharField(blank=True, help_text='A GUID, kept in lower case.', max_length=36, verbose_name='Microsoft Entra tenant ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='customer_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'customer profile',
                    },
                ),
                migrations.CreateModel(
                    name='Purchase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subscription_id', models.UUIDField(default=storefront.models._subscription_uuid, editable=False, unique=True, verbose_name='SaaS subscription ID')),
                        ('offer_name', models.CharField(max_length=200, verbose_name='offer')),
                        ('plan_id', models.CharField(max_length=50, verbose_name='plan ID')),
                        ('plan_name', models.CharField(max_length=200, verbose_name='plan')),
                        ('billing_term', models.CharField(blank=True, max_length=8, verbose_name='billing term')),
                        ('price', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='price (USD)')),
                        ('customer_email', models.EmailField(max_length=254, verbose_name='customer email')),
                        ('azure_subscription_id', models.CharField(blank=True, max_length=36, verbose_name='Azure subscription ID')),
                        ('tenant_id', models.CharField(blank=True, max_length=36, verbose_name='Microsoft Entra tenant ID')),
                        ('preview', models.BooleanField(default=False, verbose_name='preview (test) purchase')),
                        ('landing_token', models.CharField(default=storefront.models._landing_token, editable=False, max_length=64, unique=True)),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved by the publisher')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('customer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='purchases', to=settings.AUTH_USER_MODEL)),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='purchases', to='offers.offer')),
                        ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='offers.offersnapshot')),
                    ],
                    options={
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='CatalogueEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('offer_type', models.CharField(max_length=32)),
                        ('name', models.CharField(max_length=200)),
                        ('summary', models.CharField(blank=True, max_length=300)),
                        ('publisher', models.CharField(blank=True, max_length=200)),
                        ('search_text', models.TextField(blank=True, help_text='Name, summary and keywords, lower case.')),
                        ('categories', models.CharField(blank=True, help_text='|Category|Category| for filtering.', max_length=500)),
                        ('storefronts', models.CharField(blank=True, help_text='|appsource|azure_marketplace|', max_length=100)),
                        ('logo', models.CharField(blank=True, help_text="The snapshot's file id of the large logo.", max_length=20)),
                        ('price_label', models.CharField(blank=True, max_length=100)),
                        ('published_at', models.DateTimeField()),
                        ('listed', models.BooleanField(default=True)),
                        ('offer', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='catalogue_entry', to='offers.offer')),
                        ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='offers.offersnapshot')),
                    ],
                    options={
                        'verbose_name_plural': 'catalogue entries',
                        'ordering': ['-published_at', '-pk'],
                        'indexes': [models.Index(condition=models.Q(('listed', True)), fields=['-published_at', '-id'], name='catalogue_listed_newest'), models.Index(condition=models.Q(('listed', True)), fields=['name', 'id'], name='catalogue_listed_name')],
                    },
                ),
                migrations.CreateModel(
                    name='CustomerSubscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('subscription_id', models.CharField(db_index=True, max_length=36, verbose_name='Azure subscription ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscriptions', to='storefront.customerprofile')),
                    ],
                    options={
                        'ordering': ['created_at', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('profile', 'subscription_id'), name='customer_subscription_unique')],
                    },
                ),
            ],
        ),
    ]
