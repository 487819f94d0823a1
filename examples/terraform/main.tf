# App protection for Jira Cloud and Confluence Cloud, managed with the microsoft365wp provider.
# Check it with `mamlint check examples/terraform`: the same rules as for mamlint manifests
# and Graph exports, at the attribute you wrote.

terraform {
  required_providers {
    microsoft365wp = {
      source  = "terraprovider/microsoft365wp"
      version = "~> 0.18"
    }
  }
}

# Credentials come from ARM_TENANT_ID, ARM_CLIENT_ID and ARM_CLIENT_SECRET.
provider "microsoft365wp" {}

resource "microsoft365wp_ios_managed_app_protection" "atlassian" {
  display_name   = "Atlassian apps (iOS)"
  description    = "Jira Cloud and Confluence Cloud on personal iPhones and iPads"
  app_group_type = "selectedPublicApps"

  apps = [
    { app_id = { ios = { bundle_id = "com.atlassian.jira.app" } } },
    { app_id = { ios = { bundle_id = "com.atlassian.confluence.app" } } },
  ]

  # Data protection
  allowed_inbound_data_transfer_sources       = "managedApps"
  allowed_outbound_data_transfer_destinations = "managedApps"
  allowed_outbound_clipboard_sharing_level    = "managedAppsWithPasteIn"
  allowed_data_storage_locations              = ["oneDriveForBusiness", "sharePoint"]
  data_backup_blocked                         = true
  save_as_blocked                             = true
  print_blocked                               = true
  contact_sync_blocked                        = true
  managed_browser_to_open_links_required      = true
  managed_browser                             = "microsoftEdge"
  app_data_encryption_type                    = "whenDeviceLocked"

  # Access requirements
  pin_required            = true
  pin_character_set       = "numeric"
  minimum_pin_length      = 6
  simple_pin_blocked      = true
  maximum_pin_retries     = 5
  period_before_pin_reset = "P365D"
  face_id_blocked         = false

  # Conditional launch
  period_online_before_access_check          = "PT30M"
  period_offline_before_access_check         = "PT12H"
  period_offline_before_wipe_is_enforced     = "P90D"
  minimum_required_os_version                = "16.0"
  minimum_warning_os_version                 = "17.0"
  app_action_if_maximum_pin_retries_exceeded = "block"

  # Literal group object IDs: mamlint checks literal values only (a variable or a reference
  # is unknown to it, so rules that need the value do not run).
  assignments = [
    { target = { group = { group_id = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a" } } },           # sg-atlassian-mobile-users
    { target = { exclusion_group = { group_id = "5c7d9e1f-2a4b-4c6d-8e0f-1a2b3c4d5e6f" } } }, # sg-break-glass
  ]
}

resource "microsoft365wp_android_managed_app_protection" "atlassian" {
  display_name   = "Atlassian apps (Android)"
  description    = "Jira Cloud and Confluence Cloud on personal Android phones and tablets"
  app_group_type = "selectedPublicApps"

  apps = [
    { app_id = { android = { package_id = "com.atlassian.android.jira.core" } } },
    { app_id = { android = { package_id = "com.atlassian.android.confluence.core" } } },
  ]

  # Data protection
  allowed_inbound_data_transfer_sources       = "managedApps"
  allowed_outbound_data_transfer_destinations = "managedApps"
  allowed_outbound_clipboard_sharing_level    = "managedAppsWithPasteIn"
  allowed_data_storage_locations              = ["oneDriveForBusiness", "sharePoint"]
  data_backup_blocked                         = true
  save_as_blocked                             = true
  screen_capture_blocked                      = true
  encrypt_app_data                            = true
  # Atlassian's apps do not support Microsoft Tunnel on app launch (MAM401).
  connect_to_vpn_on_launch = false

  # Access requirements
  pin_required            = true
  pin_character_set       = "numeric"
  minimum_pin_length      = 6
  simple_pin_blocked      = true
  maximum_pin_retries     = 5
  period_before_pin_reset = "P365D"

  # Conditional launch
  period_online_before_access_check      = "PT30M"
  period_offline_before_access_check     = "PT12H"
  period_offline_before_wipe_is_enforced = "P90D"
  minimum_required_os_version            = "10.0"
  minimum_required_patch_version         = "2024-01-01"

  assignments = [
    { target = { group = { group_id = "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a" } } },           # sg-atlassian-mobile-users
    { target = { exclusion_group = { group_id = "5c7d9e1f-2a4b-4c6d-8e0f-1a2b3c4d5e6f" } } }, # sg-break-glass
  ]
}
