import { COMPONENTS } from '@kubetrail/model';

/**
 * klog caller files that belong to one component only. Files shared by every component
 * (reflector.go, leaderelection.go, round_trippers.go, …) are deliberately absent.
 */
const BY_FILE: Record<string, string> = {
  // kube-apiserver (k8s.io/apiserver, kube-aggregator, controlplane)
  'httplog.go': COMPONENTS.apiserver,
  'handler.go': COMPONENTS.apiserver,
  'trace.go': COMPONENTS.apiserver,
  'cacher.go': COMPONENTS.apiserver,
  'watch_cache.go': COMPONENTS.apiserver,
  'dispatcher.go': COMPONENTS.apiserver,
  'available_controller.go': COMPONENTS.apiserver,
  'alloc.go': COMPONENTS.apiserver,
  'storage_flowcontrol.go': COMPONENTS.apiserver,
  'apf_controller.go': COMPONENTS.apiserver,
  'secure_serving.go': COMPONENTS.apiserver,
  'healthz.go': COMPONENTS.apiserver,
  'policy_source.go': COMPONENTS.apiserver,
  // kube-controller-manager
  'replica_set.go': COMPONENTS.controllerManager,
  'deployment_controller.go': COMPONENTS.controllerManager,
  'rolling.go': COMPONENTS.controllerManager,
  'garbagecollector.go': COMPONENTS.controllerManager,
  'graph_builder.go': COMPONENTS.controllerManager,
  'controller_utils.go': COMPONENTS.controllerManager,
  'endpointslice_controller.go': COMPONENTS.controllerManager,
  'endpoints_controller.go': COMPONENTS.controllerManager,
  'node_lifecycle_controller.go': COMPONENTS.controllerManager,
  'taint_manager.go': COMPONENTS.controllerManager,
  'daemon_controller.go': COMPONENTS.controllerManager,
  'stateful_set.go': COMPONENTS.controllerManager,
  'job_controller.go': COMPONENTS.controllerManager,
  'namespace_controller.go': COMPONENTS.controllerManager,
  'namespaced_resources_deleter.go': COMPONENTS.controllerManager,
  'attach_detach_controller.go': COMPONENTS.controllerManager,
  'pv_controller.go': COMPONENTS.controllerManager,
  'pv_controller_base.go': COMPONENTS.controllerManager,
  'range_allocator.go': COMPONENTS.controllerManager,
  'controllermanager.go': COMPONENTS.controllerManager,
  'serviceaccounts_controller.go': COMPONENTS.controllerManager,
  'tokens_controller.go': COMPONENTS.controllerManager,
  'disruption.go': COMPONENTS.controllerManager,
  'horizontal.go': COMPONENTS.controllerManager,
  // kube-scheduler
  'schedule_one.go': COMPONENTS.scheduler,
  'scheduler.go': COMPONENTS.scheduler,
  'scheduling_queue.go': COMPONENTS.scheduler,
  'default_binder.go': COMPONENTS.scheduler,
  'eventhandlers.go': COMPONENTS.scheduler,
  // kubelet
  'kubelet.go': COMPONENTS.kubelet,
  'kubelet_pods.go': COMPONENTS.kubelet,
  'kubelet_node_status.go': COMPONENTS.kubelet,
  'kubelet_volumes.go': COMPONENTS.kubelet,
  'kubelet_getters.go': COMPONENTS.kubelet,
  'pod_workers.go': COMPONENTS.kubelet,
  'pod_container_deletor.go': COMPONENTS.kubelet,
  'operation_generator.go': COMPONENTS.kubelet,
  'reconciler.go': COMPONENTS.kubelet,
  'reconciler_common.go': COMPONENTS.kubelet,
  'reconstruct.go': COMPONENTS.kubelet,
  'volume_manager.go': COMPONENTS.kubelet,
  'desired_state_of_world_populator.go': COMPONENTS.kubelet,
  'prober.go': COMPONENTS.kubelet,
  'prober_manager.go': COMPONENTS.kubelet,
  'evented.go': COMPONENTS.kubelet,
  'status_manager.go': COMPONENTS.kubelet,
  'eviction_manager.go': COMPONENTS.kubelet,
  'image_gc_manager.go': COMPONENTS.kubelet,
  'container_gc.go': COMPONENTS.kubelet,
  'kubelet_network.go': COMPONENTS.kubelet,
  'cpu_manager.go': COMPONENTS.kubelet,
  'memory_manager.go': COMPONENTS.kubelet,
  'topology_manager.go': COMPONENTS.kubelet,
  'pod_startup_latency_tracker.go': COMPONENTS.kubelet,
  'csi_attacher.go': COMPONENTS.kubelet,
  'csi_mounter.go': COMPONENTS.kubelet,
  'nestedpendingoperations.go': COMPONENTS.kubelet,
  'remote_runtime.go': COMPONENTS.kubelet,
  'remote_image.go': COMPONENTS.kubelet,
  'pod_workers_manager.go': COMPONENTS.kubelet,
  'container_manager_linux.go': COMPONENTS.kubelet,
  'cgroup_manager_linux.go': COMPONENTS.kubelet,
  'qos_container_manager_linux.go': COMPONENTS.kubelet,
  'plugin_manager.go': COMPONENTS.kubelet,
  'watcher.go': COMPONENTS.kubelet,
  'kubelet_network_linux.go': COMPONENTS.kubelet,
  'cri_stats_provider.go': COMPONENTS.kubelet,
  'summary_sys_containers.go': COMPONENTS.kubelet,
  // kube-controller-manager, more
  'resource_quota_monitor.go': COMPONENTS.controllerManager,
  'resource_quota_controller.go': COMPONENTS.controllerManager,
  'node_ipam_controller.go': COMPONENTS.controllerManager,
  'cidr_allocator.go': COMPONENTS.controllerManager,
  'certificate_controller.go': COMPONENTS.controllerManager,
  'publisher.go': COMPONENTS.controllerManager,
  'cronjob_controllerv2.go': COMPONENTS.controllerManager,
  'ttlafterfinished_controller.go': COMPONENTS.controllerManager,
  'endpointslicemirroring_controller.go': COMPONENTS.controllerManager,
  'pvc_protection_controller.go': COMPONENTS.controllerManager,
  'pv_protection_controller.go': COMPONENTS.controllerManager,
  'gc_controller.go': COMPONENTS.controllerManager,
  'clusterroleaggregation_controller.go': COMPONENTS.controllerManager,
  'legacy_serviceaccount_token_cleaner.go': COMPONENTS.controllerManager,
  // kube-apiserver, more
  'genericapiserver.go': COMPONENTS.apiserver,
  'crdregistration_controller.go': COMPONENTS.apiserver,
  'customresource_discovery_controller.go': COMPONENTS.apiserver,
  'apiservice_controller.go': COMPONENTS.apiserver,
  'autoregister_controller.go': COMPONENTS.apiserver,
  'local_available_controller.go': COMPONENTS.apiserver,
  'remote_available_controller.go': COMPONENTS.apiserver,
  'aggregator.go': COMPONENTS.apiserver,
  'storage_scheduling.go': COMPONENTS.apiserver,
  // kube-scheduler, more
  'scheduler_binder.go': COMPONENTS.scheduler,
  'binder.go': COMPONENTS.scheduler,
  'node_tree.go': COMPONENTS.scheduler,
  'cache_dumper.go': COMPONENTS.scheduler,
  // kube-proxy
  'proxier.go': COMPONENTS.proxy,
  'server_linux.go': COMPONENTS.proxy,
};

/**
 * The component a klog caller (`file.go:123`) belongs to, or null when the file name is shared
 * or unknown. `kuberuntime_*.go` is the kubelet's runtime manager.
 */
export function callerComponent(caller: string | null): string | null {
  if (caller === null) return null;
  const colon = caller.lastIndexOf(':');
  let file = colon === -1 ? caller : caller.slice(0, colon);
  const slash = file.lastIndexOf('/');
  if (slash !== -1) file = file.slice(slash + 1);
  const known = BY_FILE[file];
  if (known !== undefined) return known;
  if (file.startsWith('kuberuntime_') || file.startsWith('kubelet_')) return COMPONENTS.kubelet;
  return null;
}

/**
 * Processes that run several components (microk8s' kubelite, k3s, RKE2): their klog lines take the
 * component of their caller (`schedule_one.go` → kube-scheduler), others keep the process's name.
 */
const MULTI_COMPONENT = new Set([
  'kubelite',
  'k3s',
  'k3s-server',
  'k3s-agent',
  'rke2',
  'rke2-server',
  'rke2-agent',
  'hyperkube',
]);

/** True for a process that runs several Kubernetes components (see {@link MULTI_COMPONENT}). */
export function isMultiComponent(component: string | null): boolean {
  return component !== null && MULTI_COMPONENT.has(component);
}

/** journald unit or SYSLOG_IDENTIFIER → component (`kubelet.service` → kubelet, `microk8s.daemon-kubelite` → kubelite). */
export function unitComponent(unit: string): string {
  let name = unit.endsWith('.service') ? unit.slice(0, -8) : unit;
  if (name.startsWith('snap.')) name = name.slice(5);
  if (name.startsWith('microk8s.daemon-')) name = name.slice(16);
  switch (name) {
    case 'kubelet':
      return COMPONENTS.kubelet;
    case 'containerd':
      return COMPONENTS.runtime;
    default:
      return name;
  }
}

/**
 * Event source / reporting controller → component (`default-scheduler` → kube-scheduler,
 * `*-controller` → kube-controller-manager). Others are kept as written.
 */
export function eventSourceComponent(source: string): string {
  if (source === 'default-scheduler' || source.endsWith('-scheduler') || source === 'scheduler')
    return COMPONENTS.scheduler;
  if (source === 'kubelet' || source.startsWith('kubelet')) return COMPONENTS.kubelet;
  if (source.endsWith('-controller') || source.startsWith('kube-controller-manager'))
    return COMPONENTS.controllerManager;
  if (source === 'kube-apiserver' || source === 'apiserver') return COMPONENTS.apiserver;
  return source;
}
