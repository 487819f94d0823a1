<#
App protection for Jira Cloud and Confluence Cloud on iOS/iPadOS and Android, as a
Microsoft365DSC configuration. `mamlint check examples/dsc` reads both resource blocks with
the same rules as a Graph export and points at the lines here.

Compile and apply as usual:
    AtlassianAppProtection -ConfigurationData .\ConfigurationData.psd1
    Start-DscConfiguration -Path .\AtlassianAppProtection -Wait -Verbose
#>

Configuration AtlassianAppProtection
{
    param
    (
        [Parameter()]
        [System.String]
        $ApplicationId,

        [Parameter()]
        [System.String]
        $TenantId,

        [Parameter()]
        [System.String]
        $CertificateThumbprint
    )
    Import-DscResource -ModuleName Microsoft365DSC

    Node localhost
    {
        IntuneAppProtectionPolicyiOS 'IntuneAppProtectionPolicyiOS-Jira and Confluence (iOS)'
        {
            DisplayName                             = 'Jira and Confluence (iOS)'
            Description                             = 'Atlassian apps: org data stays in managed apps'
            Apps                                    = @('com.atlassian.jira.app', 'com.atlassian.confluence.app')
            # Entra groups of Jira and Confluence users; contractors are excluded.
            Assignments                             = @('0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a')
            ExcludedGroups                          = @('5d3c1b2a-8e7f-4a6b-9c0d-1e2f3a4b5c6d')
            AllowedDataStorageLocations             = @('oneDriveForBusiness', 'sharePoint')
            AllowedInboundDataTransferSources       = 'managedApps'
            AllowedOutboundClipboardSharingLevel    = 'managedAppsWithPasteIn'
            AllowedOutboundDataTransferDestinations = 'managedApps'
            AppDataEncryptionType                   = 'whenDeviceLocked'
            ContactSyncBlocked                      = $True
            DataBackupBlocked                       = $True
            DeviceComplianceRequired                = $True
            FaceIdBlocked                           = $False
            FingerprintBlocked                      = $False
            MaximumPinRetries                       = 5
            MinimumPinLength                        = 6
            MinimumRequiredOSVersion                = '17.0'
            PeriodOfflineBeforeAccessCheck          = '12:00:00'
            PeriodOfflineBeforeWipeIsEnforced       = '90.00:00:00'
            PeriodOnlineBeforeAccessCheck           = '00:30:00'
            PinCharacterSet                         = 'numeric'
            PinRequired                             = $True
            PrintBlocked                            = $True
            SaveAsBlocked                           = $True
            SimplePinBlocked                        = $True
            Ensure                                  = 'Present'
            ApplicationId                           = $ApplicationId
            TenantId                                = $TenantId
            CertificateThumbprint                   = $CertificateThumbprint
        }

        IntuneAppProtectionPolicyAndroid 'IntuneAppProtectionPolicyAndroid-Jira and Confluence (Android)'
        {
            DisplayName                             = 'Jira and Confluence (Android)'
            Description                             = 'Atlassian apps: org data stays in managed apps'
            Apps                                    = @('com.atlassian.android.jira.core', 'com.atlassian.android.confluence.core')
            AppGroupType                            = 'selectedPublicApps'
            Assignments                             = @(
                MSFT_DeviceManagementConfigurationPolicyAssignments
                {
                    dataType                                   = '#microsoft.graph.groupAssignmentTarget'
                    deviceAndAppManagementAssignmentFilterType = 'none'
                    groupId                                    = '0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a'
                }
                MSFT_DeviceManagementConfigurationPolicyAssignments
                {
                    dataType                                   = '#microsoft.graph.exclusionGroupAssignmentTarget'
                    deviceAndAppManagementAssignmentFilterType = 'none'
                    groupId                                    = '5d3c1b2a-8e7f-4a6b-9c0d-1e2f3a4b5c6d'
                }
            )
            AllowedDataStorageLocations             = @('oneDriveForBusiness', 'sharePoint')
            AllowedInboundDataTransferSources       = 'managedApps'
            AllowedOutboundClipboardSharingLevel    = 'managedAppsWithPasteIn'
            AllowedOutboundDataTransferDestinations = 'managedApps'
            ContactSyncBlocked                      = $True
            DataBackupBlocked                       = $True
            DeviceComplianceRequired                = $True
            EncryptAppData                          = $True
            FingerprintBlocked                      = $False
            MaximumPinRetries                       = 5
            MinimumPinLength                        = 6
            MinimumRequiredOSVersion                = '12.0'
            PeriodOfflineBeforeAccessCheck          = 'PT12H'
            PeriodOfflineBeforeWipeIsEnforced       = 'P90D'
            PeriodOnlineBeforeAccessCheck           = 'PT30M'
            PinCharacterSet                         = 'numeric'
            PinRequired                             = $True
            PrintBlocked                            = $True
            SaveAsBlocked                           = $True
            ScreenCaptureBlocked                    = $True
            SimplePinBlocked                        = $True
            Ensure                                  = 'Present'
            ApplicationId                           = $ApplicationId
            TenantId                                = $TenantId
            CertificateThumbprint                   = $CertificateThumbprint
        }
    }
}
