//! Schema tables: the field sets of the supported kinds, generated from the Kubernetes v1.34 OpenAPI schema.
//!
//! One line per Go struct: `Key[=GoName] field:type ...`; `Key *` is an object whose fields are not
//! checked (status blocks and deprecated in-tree volume plugins), optionally followed by the fields
//! that matter to strategic merge patch. Field names may carry the embedded Go struct they are
//! promoted from (`VolumeSource.hostPath`), which the API server prints in type errors.
//! Types: `s` string (`s'Name` a named Go string type `v1.Name`, `s'pkg.Name` another package),
//! `i` int32, `l` int64, `f` float64, `b` bool, `q` Quantity, `n` IntOrString, `t` Time,
//! `x` RawExtension, `a` any JSON, `y` base64 bytes, `[T]` list, `{T}` string-keyed map
//! (`{q}'ResourceList` names it), any other word a struct. Patch strategy suffixes:
//! `~key` merge list by key, `~` merge list of scalars, `^` retainKeys.

/// (apiVersion, kind) of each supported kind; the kind is also its root struct's key.
pub(super) const KINDS: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "PersistentVolume"),
    ("v1", "Namespace"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Endpoints"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "ControllerRevision"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
];

/// Kinds served in two versions whose root structs differ: the key of the other version's root.
pub(super) const ROOT_KEYS: &[(&str, &str, &str)] = &[("autoscaling/v1", "HorizontalPodAutoscaler", "HPAv1")];

/// The struct table (see the module doc for the notation).
pub(super) const TYPES: &str = "\
Pod TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:PodSpec status:PodStatus\n\
ObjectMeta annotations:{s} creationTimestamp:t deletionGracePeriodSeconds:l deletionTimestamp:t finalizers:[s]~ generateName:s generation:l labels:{s} managedFields:[ManagedFieldsEntry] name:s namespace:s ownerReferences:[OwnerReference]~uid resourceVersion:s selfLink:s uid:s'types.UID\n\
ManagedFieldsEntry apiVersion:s fieldsType:s fieldsV1:a manager:s operation:s'ManagedFieldsOperationType subresource:s time:t\n\
OwnerReference apiVersion:s blockOwnerDeletion:b controller:b kind:s name:s uid:s'types.UID\n\
PodSpec activeDeadlineSeconds:l affinity:Affinity automountServiceAccountToken:b containers:[Container]~name dnsConfig:PodDNSConfig dnsPolicy:s'DNSPolicy enableServiceLinks:b ephemeralContainers:[EphemeralContainer]~name hostAliases:[HostAlias]~ip hostIPC:b hostNetwork:b hostPID:b hostUsers:b hostname:s hostnameOverride:s imagePullSecrets:[LocalObjectReference]~name initContainers:[Container]~name nodeName:s nodeSelector:{s} os:PodOS overhead:{q}'ResourceList preemptionPolicy:s'PreemptionPolicy priority:i priorityClassName:s readinessGates:[PodReadinessGate] resourceClaims:[PodResourceClaim]~name^ resources:ResourceRequirements restartPolicy:s'RestartPolicy runtimeClassName:s schedulerName:s schedulingGates:[PodSchedulingGate]~name securityContext:PodSecurityContext serviceAccount:s serviceAccountName:s setHostnameAsFQDN:b shareProcessNamespace:b subdomain:s terminationGracePeriodSeconds:l tolerations:[Toleration] topologySpreadConstraints:[TopologySpreadConstraint]~topologyKey volumes:[Volume]~name^\n\
Affinity nodeAffinity:NodeAffinity podAffinity:PodAffinity podAntiAffinity:PodAntiAffinity\n\
NodeAffinity preferredDuringSchedulingIgnoredDuringExecution:[PreferredSchedulingTerm] requiredDuringSchedulingIgnoredDuringExecution:NodeSelector\n\
PreferredSchedulingTerm preference:NodeSelectorTerm weight:i\n\
NodeSelectorTerm matchExpressions:[NodeSelectorRequirement] matchFields:[NodeSelectorRequirement]\n\
NodeSelectorRequirement key:s operator:s'NodeSelectorOperator values:[s]\n\
NodeSelector nodeSelectorTerms:[NodeSelectorTerm]\n\
PodAffinity preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm] requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm]\n\
WeightedPodAffinityTerm podAffinityTerm:PodAffinityTerm weight:i\n\
PodAffinityTerm labelSelector:LabelSelector matchLabelKeys:[s] mismatchLabelKeys:[s] namespaceSelector:LabelSelector namespaces:[s] topologyKey:s\n\
LabelSelector matchExpressions:[LabelSelectorRequirement] matchLabels:{s}\n\
LabelSelectorRequirement key:s operator:s'LabelSelectorOperator values:[s]\n\
PodAntiAffinity preferredDuringSchedulingIgnoredDuringExecution:[WeightedPodAffinityTerm] requiredDuringSchedulingIgnoredDuringExecution:[PodAffinityTerm]\n\
Container args:[s] command:[s] env:[EnvVar]~name envFrom:[EnvFromSource] image:s imagePullPolicy:s'PullPolicy lifecycle:Lifecycle livenessProbe:Probe name:s ports:[ContainerPort]~containerPort readinessProbe:Probe resizePolicy:[ContainerResizePolicy] resources:ResourceRequirements restartPolicy:s'ContainerRestartPolicy restartPolicyRules:[ContainerRestartRule] securityContext:SecurityContext startupProbe:Probe stdin:b stdinOnce:b terminationMessagePath:s terminationMessagePolicy:s'TerminationMessagePolicy tty:b volumeDevices:[VolumeDevice]~devicePath volumeMounts:[VolumeMount]~mountPath workingDir:s\n\
EnvVar name:s value:s valueFrom:EnvVarSource\n\
EnvVarSource configMapKeyRef:ConfigMapKeySelector fieldRef:ObjectFieldSelector fileKeyRef:FileKeySelector resourceFieldRef:ResourceFieldSelector secretKeyRef:SecretKeySelector\n\
ConfigMapKeySelector key:s LocalObjectReference.name:s optional:b\n\
ObjectFieldSelector apiVersion:s fieldPath:s\n\
FileKeySelector key:s optional:b path:s volumeName:s\n\
ResourceFieldSelector containerName:s divisor:q resource:s\n\
SecretKeySelector key:s LocalObjectReference.name:s optional:b\n\
EnvFromSource configMapRef:ConfigMapEnvSource prefix:s secretRef:SecretEnvSource\n\
ConfigMapEnvSource LocalObjectReference.name:s optional:b\n\
SecretEnvSource LocalObjectReference.name:s optional:b\n\
Lifecycle postStart:LifecycleHandler preStop:LifecycleHandler stopSignal:s'Signal\n\
LifecycleHandler exec:ExecAction httpGet:HTTPGetAction sleep:SleepAction tcpSocket:TCPSocketAction\n\
ExecAction command:[s]\n\
HTTPGetAction host:s httpHeaders:[HTTPHeader] path:s port:n scheme:s'URIScheme\n\
HTTPHeader name:s value:s\n\
SleepAction seconds:l\n\
TCPSocketAction host:s port:n\n\
Probe ProbeHandler.exec:ExecAction failureThreshold:i ProbeHandler.grpc:GRPCAction ProbeHandler.httpGet:HTTPGetAction initialDelaySeconds:i periodSeconds:i successThreshold:i ProbeHandler.tcpSocket:TCPSocketAction terminationGracePeriodSeconds:l timeoutSeconds:i\n\
GRPCAction port:i service:s\n\
ContainerPort containerPort:i hostIP:s hostPort:i name:s protocol:s'Protocol\n\
ContainerResizePolicy resourceName:s'ResourceName restartPolicy:s'ResourceResizeRestartPolicy\n\
ResourceRequirements claims:[ResourceClaim] limits:{q}'ResourceList requests:{q}'ResourceList\n\
ResourceClaim name:s request:s\n\
ContainerRestartRule action:s'ContainerRestartRuleAction exitCodes:ContainerRestartRuleOnExitCodes\n\
ContainerRestartRuleOnExitCodes operator:s'ContainerRestartRuleOnExitCodesOperator values:[i]\n\
SecurityContext allowPrivilegeEscalation:b appArmorProfile:AppArmorProfile capabilities:Capabilities privileged:b procMount:s'ProcMountType readOnlyRootFilesystem:b runAsGroup:l runAsNonRoot:b runAsUser:l seLinuxOptions:SELinuxOptions seccompProfile:SeccompProfile windowsOptions:WindowsSecurityContextOptions\n\
AppArmorProfile localhostProfile:s type:s'AppArmorProfileType\n\
Capabilities add:[s'Capability] drop:[s'Capability]\n\
SELinuxOptions level:s role:s type:s user:s\n\
SeccompProfile localhostProfile:s type:s'SeccompProfileType\n\
WindowsSecurityContextOptions gmsaCredentialSpec:s gmsaCredentialSpecName:s hostProcess:b runAsUserName:s\n\
VolumeDevice devicePath:s name:s\n\
VolumeMount mountPath:s mountPropagation:s'MountPropagationMode name:s readOnly:b recursiveReadOnly:s'RecursiveReadOnlyMode subPath:s subPathExpr:s\n\
PodDNSConfig nameservers:[s] options:[PodDNSConfigOption] searches:[s]\n\
PodDNSConfigOption name:s value:s\n\
EphemeralContainer EphemeralContainerCommon.args:[s] EphemeralContainerCommon.command:[s] EphemeralContainerCommon.env:[EnvVar]~name EphemeralContainerCommon.envFrom:[EnvFromSource] EphemeralContainerCommon.image:s EphemeralContainerCommon.imagePullPolicy:s'PullPolicy EphemeralContainerCommon.lifecycle:Lifecycle EphemeralContainerCommon.livenessProbe:Probe EphemeralContainerCommon.name:s EphemeralContainerCommon.ports:[ContainerPort]~containerPort EphemeralContainerCommon.readinessProbe:Probe EphemeralContainerCommon.resizePolicy:[ContainerResizePolicy] EphemeralContainerCommon.resources:ResourceRequirements EphemeralContainerCommon.restartPolicy:s'ContainerRestartPolicy EphemeralContainerCommon.restartPolicyRules:[ContainerRestartRule] EphemeralContainerCommon.securityContext:SecurityContext EphemeralContainerCommon.startupProbe:Probe EphemeralContainerCommon.stdin:b EphemeralContainerCommon.stdinOnce:b targetContainerName:s EphemeralContainerCommon.terminationMessagePath:s EphemeralContainerCommon.terminationMessagePolicy:s'TerminationMessagePolicy EphemeralContainerCommon.tty:b EphemeralContainerCommon.volumeDevices:[VolumeDevice]~devicePath EphemeralContainerCommon.volumeMounts:[VolumeMount]~mountPath EphemeralContainerCommon.workingDir:s\n\
HostAlias hostnames:[s] ip:s\n\
LocalObjectReference name:s\n\
PodOS name:s'OSName\n\
PodReadinessGate conditionType:s'PodConditionType\n\
PodResourceClaim name:s resourceClaimName:s resourceClaimTemplateName:s\n\
PodSchedulingGate name:s\n\
PodSecurityContext appArmorProfile:AppArmorProfile fsGroup:l fsGroupChangePolicy:s'PodFSGroupChangePolicy runAsGroup:l runAsNonRoot:b runAsUser:l seLinuxChangePolicy:s'PodSELinuxChangePolicy seLinuxOptions:SELinuxOptions seccompProfile:SeccompProfile supplementalGroups:[l] supplementalGroupsPolicy:s'SupplementalGroupsPolicy sysctls:[Sysctl] windowsOptions:WindowsSecurityContextOptions\n\
Sysctl name:s value:s\n\
Toleration effect:s'TaintEffect key:s operator:s'TolerationOperator tolerationSeconds:l value:s\n\
TopologySpreadConstraint labelSelector:LabelSelector matchLabelKeys:[s] maxSkew:i minDomains:i nodeAffinityPolicy:s'NodeInclusionPolicy nodeTaintsPolicy:s'NodeInclusionPolicy topologyKey:s whenUnsatisfiable:s'UnsatisfiableConstraintAction\n\
Volume VolumeSource.awsElasticBlockStore:AWSElasticBlockStoreVolumeSource VolumeSource.azureDisk:AzureDiskVolumeSource VolumeSource.azureFile:AzureFileVolumeSource VolumeSource.cephfs:CephFSVolumeSource VolumeSource.cinder:CinderVolumeSource VolumeSource.configMap:ConfigMapVolumeSource VolumeSource.csi:CSIVolumeSource VolumeSource.downwardAPI:DownwardAPIVolumeSource VolumeSource.emptyDir:EmptyDirVolumeSource VolumeSource.ephemeral:EphemeralVolumeSource VolumeSource.fc:FCVolumeSource VolumeSource.flexVolume:FlexVolumeSource VolumeSource.flocker:FlockerVolumeSource VolumeSource.gcePersistentDisk:GCEPersistentDiskVolumeSource VolumeSource.gitRepo:GitRepoVolumeSource VolumeSource.glusterfs:GlusterfsVolumeSource VolumeSource.hostPath:HostPathVolumeSource VolumeSource.image:ImageVolumeSource VolumeSource.iscsi:ISCSIVolumeSource name:s VolumeSource.nfs:NFSVolumeSource VolumeSource.persistentVolumeClaim:PersistentVolumeClaimVolumeSource VolumeSource.photonPersistentDisk:PhotonPersistentDiskVolumeSource VolumeSource.portworxVolume:PortworxVolumeSource VolumeSource.projected:ProjectedVolumeSource VolumeSource.quobyte:QuobyteVolumeSource VolumeSource.rbd:RBDVolumeSource VolumeSource.scaleIO:ScaleIOVolumeSource VolumeSource.secret:SecretVolumeSource VolumeSource.storageos:StorageOSVolumeSource VolumeSource.vsphereVolume:VsphereVirtualDiskVolumeSource\n\
AWSElasticBlockStoreVolumeSource *\n\
AzureDiskVolumeSource *\n\
AzureFileVolumeSource *\n\
CephFSVolumeSource *\n\
CinderVolumeSource *\n\
ConfigMapVolumeSource defaultMode:i items:[KeyToPath] LocalObjectReference.name:s optional:b\n\
KeyToPath key:s mode:i path:s\n\
CSIVolumeSource driver:s fsType:s nodePublishSecretRef:LocalObjectReference readOnly:b volumeAttributes:{s}\n\
DownwardAPIVolumeSource defaultMode:i items:[DownwardAPIVolumeFile]\n\
DownwardAPIVolumeFile fieldRef:ObjectFieldSelector mode:i path:s resourceFieldRef:ResourceFieldSelector\n\
EmptyDirVolumeSource medium:s'StorageMedium sizeLimit:q\n\
EphemeralVolumeSource volumeClaimTemplate:PersistentVolumeClaimTemplate\n\
PersistentVolumeClaimTemplate metadata:ObjectMeta spec:PersistentVolumeClaimSpec\n\
PersistentVolumeClaimSpec accessModes:[s'PersistentVolumeAccessMode] dataSource:TypedLocalObjectReference dataSourceRef:TypedObjectReference resources:VolumeResourceRequirements selector:LabelSelector storageClassName:s volumeAttributesClassName:s volumeMode:s'PersistentVolumeMode volumeName:s\n\
TypedLocalObjectReference apiGroup:s kind:s name:s\n\
TypedObjectReference apiGroup:s kind:s name:s namespace:s\n\
VolumeResourceRequirements limits:{q}'ResourceList requests:{q}'ResourceList\n\
FCVolumeSource *\n\
FlexVolumeSource *\n\
FlockerVolumeSource *\n\
GCEPersistentDiskVolumeSource *\n\
GitRepoVolumeSource *\n\
GlusterfsVolumeSource *\n\
HostPathVolumeSource path:s type:s'HostPathType\n\
ImageVolumeSource pullPolicy:s'PullPolicy reference:s\n\
ISCSIVolumeSource *\n\
NFSVolumeSource path:s readOnly:b server:s\n\
PersistentVolumeClaimVolumeSource claimName:s readOnly:b\n\
PhotonPersistentDiskVolumeSource *\n\
PortworxVolumeSource *\n\
ProjectedVolumeSource defaultMode:i sources:[VolumeProjection]\n\
VolumeProjection clusterTrustBundle:ClusterTrustBundleProjection configMap:ConfigMapProjection downwardAPI:DownwardAPIProjection podCertificate:PodCertificateProjection secret:SecretProjection serviceAccountToken:ServiceAccountTokenProjection\n\
ClusterTrustBundleProjection labelSelector:LabelSelector name:s optional:b path:s signerName:s\n\
ConfigMapProjection items:[KeyToPath] LocalObjectReference.name:s optional:b\n\
DownwardAPIProjection items:[DownwardAPIVolumeFile]\n\
PodCertificateProjection certificateChainPath:s credentialBundlePath:s keyPath:s keyType:s maxExpirationSeconds:i signerName:s\n\
SecretProjection items:[KeyToPath] LocalObjectReference.name:s optional:b\n\
ServiceAccountTokenProjection audience:s expirationSeconds:l path:s\n\
QuobyteVolumeSource *\n\
RBDVolumeSource *\n\
ScaleIOVolumeSource *\n\
SecretVolumeSource defaultMode:i items:[KeyToPath] optional:b secretName:s\n\
StorageOSVolumeSource *\n\
VsphereVirtualDiskVolumeSource *\n\
PodStatus * conditions:[a]~type hostIPs:[a]~ip podIPs:[a]~ip resourceClaimStatuses:[a]~name^\n\
Service TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:ServiceSpec status:ServiceStatus\n\
ServiceSpec allocateLoadBalancerNodePorts:b clusterIP:s clusterIPs:[s] externalIPs:[s] externalName:s externalTrafficPolicy:s'ServiceExternalTrafficPolicy healthCheckNodePort:i internalTrafficPolicy:s'ServiceInternalTrafficPolicy ipFamilies:[s'IPFamily] ipFamilyPolicy:s'IPFamilyPolicy loadBalancerClass:s loadBalancerIP:s loadBalancerSourceRanges:[s] ports:[ServicePort]~port publishNotReadyAddresses:b selector:{s} sessionAffinity:s'ServiceAffinity sessionAffinityConfig:SessionAffinityConfig trafficDistribution:s type:s'ServiceType\n\
ServicePort appProtocol:s name:s nodePort:i port:i protocol:s'Protocol targetPort:n\n\
SessionAffinityConfig clientIP:ClientIPConfig\n\
ClientIPConfig timeoutSeconds:i\n\
ServiceStatus * conditions:[a]~type\n\
PersistentVolumeClaim TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:PersistentVolumeClaimSpec status:PersistentVolumeClaimStatus\n\
PersistentVolumeClaimStatus * conditions:[a]~type\n\
PersistentVolume TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:PersistentVolumeSpec status:PersistentVolumeStatus\n\
PersistentVolumeSpec accessModes:[s'PersistentVolumeAccessMode] PersistentVolumeSource.awsElasticBlockStore:AWSElasticBlockStoreVolumeSource PersistentVolumeSource.azureDisk:AzureDiskVolumeSource PersistentVolumeSource.azureFile:AzureFilePersistentVolumeSource capacity:{q}'ResourceList PersistentVolumeSource.cephfs:CephFSPersistentVolumeSource PersistentVolumeSource.cinder:CinderPersistentVolumeSource claimRef:ObjectReference PersistentVolumeSource.csi:CSIPersistentVolumeSource PersistentVolumeSource.fc:FCVolumeSource PersistentVolumeSource.flexVolume:FlexPersistentVolumeSource PersistentVolumeSource.flocker:FlockerVolumeSource PersistentVolumeSource.gcePersistentDisk:GCEPersistentDiskVolumeSource PersistentVolumeSource.glusterfs:GlusterfsPersistentVolumeSource PersistentVolumeSource.hostPath:HostPathVolumeSource PersistentVolumeSource.iscsi:ISCSIPersistentVolumeSource PersistentVolumeSource.local:LocalVolumeSource mountOptions:[s] PersistentVolumeSource.nfs:NFSVolumeSource nodeAffinity:VolumeNodeAffinity persistentVolumeReclaimPolicy:s'PersistentVolumeReclaimPolicy PersistentVolumeSource.photonPersistentDisk:PhotonPersistentDiskVolumeSource PersistentVolumeSource.portworxVolume:PortworxVolumeSource PersistentVolumeSource.quobyte:QuobyteVolumeSource PersistentVolumeSource.rbd:RBDPersistentVolumeSource PersistentVolumeSource.scaleIO:ScaleIOPersistentVolumeSource storageClassName:s PersistentVolumeSource.storageos:StorageOSPersistentVolumeSource volumeAttributesClassName:s volumeMode:s'PersistentVolumeMode PersistentVolumeSource.vsphereVolume:VsphereVirtualDiskVolumeSource\n\
AzureFilePersistentVolumeSource *\n\
CephFSPersistentVolumeSource *\n\
CinderPersistentVolumeSource *\n\
ObjectReference apiVersion:s fieldPath:s kind:s name:s namespace:s resourceVersion:s uid:s'types.UID\n\
CSIPersistentVolumeSource controllerExpandSecretRef:SecretReference controllerPublishSecretRef:SecretReference driver:s fsType:s nodeExpandSecretRef:SecretReference nodePublishSecretRef:SecretReference nodeStageSecretRef:SecretReference readOnly:b volumeAttributes:{s} volumeHandle:s\n\
SecretReference name:s namespace:s\n\
FlexPersistentVolumeSource *\n\
GlusterfsPersistentVolumeSource *\n\
ISCSIPersistentVolumeSource *\n\
LocalVolumeSource fsType:s path:s\n\
VolumeNodeAffinity required:NodeSelector\n\
RBDPersistentVolumeSource *\n\
ScaleIOPersistentVolumeSource *\n\
StorageOSPersistentVolumeSource *\n\
PersistentVolumeStatus *\n\
Namespace TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:NamespaceSpec status:NamespaceStatus\n\
NamespaceSpec finalizers:[s'FinalizerName]\n\
NamespaceStatus * conditions:[a]~type\n\
ConfigMap TypeMeta.apiVersion:s binaryData:{y} data:{s} immutable:b TypeMeta.kind:s metadata:ObjectMeta\n\
Secret TypeMeta.apiVersion:s data:{y} immutable:b TypeMeta.kind:s metadata:ObjectMeta stringData:{s} type:s'SecretType\n\
Endpoints TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta subsets:[EndpointSubset]\n\
EndpointSubset addresses:[EndpointAddress] notReadyAddresses:[EndpointAddress] ports:[EndpointPort]\n\
EndpointAddress hostname:s ip:s nodeName:s targetRef:ObjectReference\n\
EndpointPort appProtocol:s name:s port:i protocol:s'Protocol\n\
StatefulSet TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:StatefulSetSpec status:StatefulSetStatus\n\
StatefulSetSpec minReadySeconds:i ordinals:StatefulSetOrdinals persistentVolumeClaimRetentionPolicy:StatefulSetPersistentVolumeClaimRetentionPolicy podManagementPolicy:s'PodManagementPolicyType replicas:i revisionHistoryLimit:i selector:LabelSelector serviceName:s template:PodTemplateSpec updateStrategy:StatefulSetUpdateStrategy volumeClaimTemplates:[PersistentVolumeClaim]\n\
StatefulSetOrdinals start:i\n\
StatefulSetPersistentVolumeClaimRetentionPolicy whenDeleted:s'PersistentVolumeClaimRetentionPolicyType whenScaled:s'PersistentVolumeClaimRetentionPolicyType\n\
PodTemplateSpec metadata:ObjectMeta spec:PodSpec\n\
StatefulSetUpdateStrategy rollingUpdate:RollingUpdateStatefulSetStrategy type:s'StatefulSetUpdateStrategyType\n\
RollingUpdateStatefulSetStrategy maxUnavailable:n partition:i\n\
StatefulSetStatus * conditions:[a]~type\n\
Deployment TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:DeploymentSpec status:DeploymentStatus\n\
DeploymentSpec minReadySeconds:i paused:b progressDeadlineSeconds:i replicas:i revisionHistoryLimit:i selector:LabelSelector strategy:DeploymentStrategy^ template:PodTemplateSpec\n\
DeploymentStrategy rollingUpdate:RollingUpdateDeployment type:s'DeploymentStrategyType\n\
RollingUpdateDeployment maxSurge:n maxUnavailable:n\n\
DeploymentStatus * conditions:[a]~type\n\
ReplicaSet TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:ReplicaSetSpec status:ReplicaSetStatus\n\
ReplicaSetSpec minReadySeconds:i replicas:i selector:LabelSelector template:PodTemplateSpec\n\
ReplicaSetStatus * conditions:[a]~type\n\
ControllerRevision TypeMeta.apiVersion:s data:x TypeMeta.kind:s metadata:ObjectMeta revision:l\n\
StorageClass allowVolumeExpansion:b allowedTopologies:[TopologySelectorTerm] TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta mountOptions:[s] parameters:{s} provisioner:s reclaimPolicy:s'PersistentVolumeReclaimPolicy volumeBindingMode:s'VolumeBindingMode\n\
TopologySelectorTerm matchLabelExpressions:[TopologySelectorLabelRequirement]\n\
TopologySelectorLabelRequirement key:s values:[s]\n\
EndpointSlice addressType:s'AddressType TypeMeta.apiVersion:s endpoints:[Endpoint] TypeMeta.kind:s metadata:ObjectMeta ports:[DEndpointPort]\n\
Endpoint addresses:[s] conditions:EndpointConditions deprecatedTopology:{s} hints:EndpointHints hostname:s nodeName:s targetRef:ObjectReference zone:s\n\
EndpointConditions ready:b serving:b terminating:b\n\
EndpointHints forNodes:[ForNode] forZones:[ForZone]\n\
ForNode name:s\n\
ForZone name:s\n\
DEndpointPort=EndpointPort appProtocol:s name:s port:i protocol:s'Protocol\n\
HPAv1=HorizontalPodAutoscaler TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:HPAv1Spec status:HPAv1Status\n\
HPAv1Spec=HorizontalPodAutoscalerSpec maxReplicas:i minReplicas:i scaleTargetRef:CrossVersionObjectReference targetCPUUtilizationPercentage:i\n\
CrossVersionObjectReference apiVersion:s kind:s name:s\n\
HPAv1Status=HorizontalPodAutoscalerStatus *\n\
HorizontalPodAutoscaler=v2.HorizontalPodAutoscaler TypeMeta.apiVersion:s TypeMeta.kind:s metadata:ObjectMeta spec:HPAv2Spec status:HPAv2Status\n\
HPAv2Spec=v2.HorizontalPodAutoscalerSpec behavior:HorizontalPodAutoscalerBehavior maxReplicas:i metrics:[MetricSpec] minReplicas:i scaleTargetRef:V2CrossVersionObjectReference\n\
V2CrossVersionObjectReference=v2.CrossVersionObjectReference apiVersion:s kind:s name:s\n\
HorizontalPodAutoscalerBehavior=v2.HorizontalPodAutoscalerBehavior scaleDown:HPAScalingRules scaleUp:HPAScalingRules\n\
HPAScalingRules=v2.HPAScalingRules policies:[HPAScalingPolicy] selectPolicy:s'v2.ScalingPolicySelect stabilizationWindowSeconds:i\n\
HPAScalingPolicy=v2.HPAScalingPolicy periodSeconds:i type:s'v2.HPAScalingPolicyType value:i\n\
MetricSpec=v2.MetricSpec containerResource:ContainerResourceMetricSource external:ExternalMetricSource object:ObjectMetricSource pods:PodsMetricSource resource:ResourceMetricSource type:s'v2.MetricSourceType\n\
ContainerResourceMetricSource=v2.ContainerResourceMetricSource container:s name:s'ResourceName target:MetricTarget\n\
ExternalMetricSource=v2.ExternalMetricSource metric:MetricIdentifier target:MetricTarget\n\
ObjectMetricSource=v2.ObjectMetricSource describedObject:V2CrossVersionObjectReference metric:MetricIdentifier target:MetricTarget\n\
PodsMetricSource=v2.PodsMetricSource metric:MetricIdentifier target:MetricTarget\n\
ResourceMetricSource=v2.ResourceMetricSource name:s'ResourceName target:MetricTarget\n\
MetricIdentifier=v2.MetricIdentifier name:s selector:LabelSelector\n\
MetricTarget=v2.MetricTarget averageUtilization:i averageValue:q type:s'v2.MetricTargetType value:q\n\
HPAv2Status=v2.HorizontalPodAutoscalerStatus * conditions:[a]~type";
