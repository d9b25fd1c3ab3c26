/**
 * Who is a user and who is the control plane. Calls by controllers, the scheduler, kubelets and the
 * apiserver itself are steps inside a user's request, never requests of their own (SPEC §4).
 */

const CONTROL_PLANE_USERS = new Set([
  'system:kube-scheduler',
  'system:kube-controller-manager',
  'system:apiserver',
  'system:kube-proxy',
  'system:volume-scheduler',
  'system:serviceaccount:kube-system:generic-garbage-collector',
]);

/** True for identities the cluster uses for itself. `system:admin` and other users are people. */
export function isControlPlaneUser(username: string | null | undefined): boolean {
  if (!username) return false;
  if (CONTROL_PLANE_USERS.has(username)) return true;
  if (username.startsWith('system:node:')) return true;
  // kube-system service accounts are the controllers when --use-service-account-credentials is set.
  if (username.startsWith('system:serviceaccount:kube-system:')) return true;
  return false;
}

/** The component that owns a control-plane identity, for evidence and ladder stages. */
export function componentOfUser(username: string, userAgent: string | null): string {
  if (username.startsWith('system:node:')) return 'kubelet';
  if (username === 'system:kube-scheduler') return 'kube-scheduler';
  if (username === 'system:apiserver') return 'kube-apiserver';
  if (username === 'system:kube-proxy') return 'kube-proxy';
  if (
    username === 'system:kube-controller-manager' ||
    username.startsWith('system:serviceaccount:kube-system:')
  )
    return 'kube-controller-manager';
  if (userAgent) {
    const slash = userAgent.indexOf('/');
    return slash > 0 ? userAgent.slice(0, slash) : userAgent;
  }
  return username;
}

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export const isMutatingVerb = (verb: string): boolean => MUTATING.has(verb);

/**
 * Cluster installers (`kubeadm init`'s addon phase, minikube's addon manager): one run creates
 * CoreDNS, kube-proxy and more within a second. Each object they create is an operation of its own
 * (listed as system requests), not one request with every add-on as a target.
 */
const BOOTSTRAP_AGENT = /^(kubeadm|minikube|k3s|rke2|kops|eksctl)\//i;

export const isBootstrapAgent = (userAgent: string | null): boolean =>
  userAgent !== null && BOOTSTRAP_AGENT.test(userAgent);
