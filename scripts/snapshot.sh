#!/usr/bin/env bash
# Saves a snapshot of one AWS account and region for `ecs-exposure scan`: one file per AWS CLI
# call, printed exactly as the CLI prints it. Every call is read-only (describe/list/get).
#
# Usage: scripts/snapshot.sh [-r REGION] [-p PROFILE] OUT_DIR
# Needs: bash >= 4.4 (on macOS: `brew install bash`), AWS CLI v2, and credentials allowed to
# call ecs:Describe*/List*, ec2:Describe*, elasticloadbalancing:Describe*,
# iam:GetAccountAuthorizationDetails and inspector2:ListFindings (the AWS managed policy
# SecurityAudit covers them).
set -euo pipefail

region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
profile=""
while getopts "r:p:h" opt; do
    case "$opt" in
        r) region="$OPTARG" ;;
        p) profile="$OPTARG" ;;
        *) sed -n '2,11p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [[ $# -ne 1 || -z "$region" ]]; then
    echo "usage: $0 [-r REGION] [-p PROFILE] OUT_DIR (or set AWS_REGION)" >&2
    exit 2
fi
out="$1"
mkdir -p "$out"

# Every call goes through here so that region and profile are always explicit.
awscli() {
    if [[ -n "$profile" ]]; then
        aws --profile "$profile" --region "$region" "$@"
    else
        aws --region "$region" "$@"
    fi
}

# Prints a `--query` result one value per line. Text output separates list items with tabs
# and prints "None" for an empty result.
list() {
    awscli --output text "$@" | tr '\t' '\n' | grep -v -e '^None$' -e '^$' || true
}

save() {
    local file="$1"
    shift
    echo "  $file" >&2
    awscli --output json "$@" >"$out/$file"
}

echo "Snapshot of region $region into $out" >&2

# --- ECS: clusters, services (describe-services takes at most 10 names per call), and the
# task definition revisions those services deploy (primary and in-flight deployments).
mapfile -t clusters < <(list ecs list-clusters --query 'clusterArns[]')
if [[ ${#clusters[@]} -gt 0 ]]; then
    # describe-clusters takes up to 100 clusters per call.
    for ((i = 0; i < ${#clusters[@]}; i += 100)); do
        save "ecs-describe-clusters-$((i / 100 + 1)).json" \
            ecs describe-clusters --clusters "${clusters[@]:i:100}" --include TAGS SETTINGS
    done
fi

declare -A task_definitions=()
for cluster in "${clusters[@]}"; do
    name="${cluster##*/}"
    mapfile -t services < <(list ecs list-services --cluster "$cluster" --query 'serviceArns[]')
    for ((i = 0; i < ${#services[@]}; i += 10)); do
        batch=("${services[@]:i:10}")
        save "ecs-describe-services-$name-$((i / 10 + 1)).json" \
            ecs describe-services --cluster "$cluster" --services "${batch[@]}" --include TAGS
        while read -r td; do
            task_definitions["$td"]=1
        done < <(list ecs describe-services --cluster "$cluster" --services "${batch[@]}" \
            --query 'services[].deployments[].taskDefinition')
    done
done

for td in "${!task_definitions[@]}"; do
    short="${td##*/}"
    save "ecs-describe-task-definition-${short/:/-}.json" \
        ecs describe-task-definition --task-definition "$td" --include TAGS
done

# --- The EC2 hosts of `bridge`/`host`-mode tasks: container instances (100 per call) and
# their EC2 instances. Their ARNs name the cluster (the long ARN format).
declare -A instances=()
for cluster in "${clusters[@]}"; do
    name="${cluster##*/}"
    mapfile -t cis < <(list ecs list-container-instances --cluster "$cluster" --query 'containerInstanceArns[]')
    for ((i = 0; i < ${#cis[@]}; i += 100)); do
        batch=("${cis[@]:i:100}")
        save "ecs-describe-container-instances-$name-$((i / 100 + 1)).json" \
            ecs describe-container-instances --cluster "$cluster" --container-instances "${batch[@]}"
        while read -r id; do
            instances["$id"]=1
        done < <(list ecs describe-container-instances --cluster "$cluster" --container-instances "${batch[@]}" \
            --query 'containerInstances[].ec2InstanceId')
    done
done
if [[ ${#instances[@]} -gt 0 ]]; then
    save ec2-describe-instances.json ec2 describe-instances --instance-ids "${!instances[@]}"
fi

# --- VPC networking. The CLI follows pagination itself.
save ec2-describe-security-groups.json ec2 describe-security-groups
save ec2-describe-subnets.json ec2 describe-subnets
save ec2-describe-route-tables.json ec2 describe-route-tables
save ec2-describe-network-acls.json ec2 describe-network-acls
save ec2-describe-internet-gateways.json ec2 describe-internet-gateways

# --- Load balancers; describe-listeners needs one load balancer per call, describe-rules one
# listener per call.
save elbv2-describe-load-balancers.json elbv2 describe-load-balancers
save elbv2-describe-target-groups.json elbv2 describe-target-groups
while read -r lb; do
    # …:loadbalancer/app/NAME/ID → NAME-ID (names are unique only per type).
    id="${lb#*:loadbalancer/}"
    id="${id#*/}"
    save "elbv2-describe-listeners-${id//\//-}.json" elbv2 describe-listeners --load-balancer-arn "$lb"
    # Listener rules (path and host routing); describe-rules takes one listener per call.
    while read -r listener; do
        lid="${listener#*:listener/}"
        lid="${lid#*/}"
        save "elbv2-describe-rules-${lid//\//-}.json" elbv2 describe-rules --listener-arn "$listener"
    done < <(list elbv2 describe-listeners --load-balancer-arn "$lb" --query 'Listeners[].ListenerArn')
done < <(list elbv2 describe-load-balancers --query 'LoadBalancers[].LoadBalancerArn')

# --- IAM (global): roles with their inline and attached policies, and managed policy documents.
save iam-get-account-authorization-details.json \
    iam get-account-authorization-details --filter Role LocalManagedPolicy AWSManagedPolicy

# --- Inspector: active vulnerability findings on ECR images. An account without Inspector
# gives no file; the scan then reports the vulnerability traits as not evaluated.
if ! save inspector2-list-findings.json inspector2 list-findings --filter-criteria \
    '{"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}],"resourceType":[{"comparison":"EQUALS","value":"AWS_ECR_CONTAINER_IMAGE"}]}'; then
    rm -f "$out/inspector2-list-findings.json"
    echo "warning: inspector2 list-findings failed (is Amazon Inspector enabled?); no vulnerability data saved" >&2
fi

echo "Done. Scan it with: ecs-exposure scan $out" >&2
