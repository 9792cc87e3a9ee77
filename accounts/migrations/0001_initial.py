"""Publisher accounts, members and invitations, moved here from portal (portal.0003 renames their tables)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import accounts.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PublisherAccount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('partner_id', models.CharField(blank=True, help_text="The publisher's partner network ID.", max_length=20, verbose_name='partner ID')),
                        ('country', models.CharField(blank=True, help_text='ISO 3166 code.', max_length=2, verbose_name='country')),
                        ('verified', models.BooleanField(default=False, help_text='Identity and business checked.', verbose_name='verified')),
                        ('program_enrolled', models.BooleanField(default=False, verbose_name='enrolled in the marketplace program')),
                        ('agreement_accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='publisher agreement accepted')),
                        ('competencies', models.JSONField(blank=True, default=list, help_text='Partner competencies held; consulting offers need at least one.', verbose_name='competencies')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'verbose_name': 'publisher account',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='email')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('manager', 'Manager'), ('developer', 'Developer')], max_length=16, verbose_name='role')),
                        ('token', models.CharField(default=accounts.models._invitation_token, editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='accounts.publisheraccount')),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('manager', 'Manager'), ('developer', 'Developer')], default='developer', max_length=16, verbose_name='role')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='accounts.publisheraccount')),
                    ],
                    options={
                        'ordering': ['account__name'],
                        'constraints': [models.UniqueConstraint(fields=('account', 'user'), name='membership_unique_user')],
                    },
                ),
            ],
        ),
    ]
