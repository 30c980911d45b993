//! CloudFormation read as CloudFormation reads it: scalar conversion, unresolvable required
//! values, resource conditions, nested stacks, exports given twice.

use crate::engine::analyze;
use crate::load::{Diagnostic, Loader};
use crate::model::Inventory;
use crate::traits::TraitId;

fn load(files: &[(&str, &str)]) -> (Inventory, Vec<Diagnostic>) {
    let mut l = Loader::new();
    for (name, text) in files {
        l.add(name, text.as_bytes()).unwrap();
    }
    l.finish()
}

const SERVICE: &str = r#"
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          Subnets: [subnet-1]
"#;

#[test]
fn numbers_and_booleans_are_converted_as_cloudformation_does() {
    let text = format!(
        r#"
Parameters:
  Port:
    Type: Number
    Default: 8080
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx
          Privileged: "true"
          ReadonlyRootFilesystem: "false"
          PortMappings:
            - ContainerPort: "80"
          Environment:
            - Name: PORT
              Value: !Ref Port
            - Name: DEBUG
              Value: true
            - Name: RETRIES
              Value: 3
{SERVICE}"#
    );
    let (inv, warnings) = load(&[("t.yaml", &text)]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let td = &inv.task_definitions["t.yaml#Task"];
    let c = &td.container_definitions[0];
    assert_eq!(c.privileged, Some(true));
    assert_eq!(c.readonly_root_filesystem, Some(false));
    assert_eq!(c.port_mappings[0].container_port, Some(80));
    let env: Vec<&str> = c
        .environment
        .iter()
        .map(|e| e.value.as_ref().unwrap().expose())
        .collect();
    assert_eq!(env, ["8080", "true", "3"]);
    let a = analyze(&inv);
    assert!(a.findings[0].has(TraitId::PrivilegedContainer));
}

/// A role's inline policy whose name cannot be resolved (a parameter without default): the
/// template is read, the name is a placeholder, and no check is lost.
#[test]
fn an_unresolvable_required_name_does_not_stop_the_template() {
    let text = r#"
Parameters:
  Env:
    Type: String
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      Policies:
        - PolicyName: !Sub "app-${Env}"
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "*", Resource: "*"}]
        - PolicyName: other
          PolicyDocument: !Ref Env
"#;
    let (inv, _) = load(&[("iam.yaml", text)]);
    let role = &inv.roles["iam.yaml#Role"];
    assert_eq!(role.role_policy_list.len(), 1);
    assert_eq!(
        role.role_policy_list[0].policy_name,
        "iam.yaml#Role/unresolved-PolicyName"
    );
    let fields: Vec<&str> = inv.unresolved.iter().map(|u| u.field.as_str()).collect();
    assert!(
        fields.contains(&"RolePolicyList[0].PolicyName"),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"RolePolicyList[1].PolicyDocument"),
        "{fields:?}"
    );
}

const TASK: &str = r#"
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - {Name: web, Image: nginx, Privileged: true}
"#;

/// A resource whose condition is false under the defaults is not created, so not scanned,
/// and a note names it and the condition; one whose condition cannot be decided is scanned
/// with a note that it may not exist.
#[test]
fn resource_conditions_decide_what_exists() {
    let text = format!(
        r#"
Parameters:
  Env: {{Type: String, Default: dev}}
  Public: {{Type: String, AllowedValues: ["yes", "no"]}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  PublicDev: !And [!Condition IsDev, !Equals [!Ref Public, "yes"]]
  InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
  Either: !Or [!Condition IsProd, !Equals [a, a]]
Resources:
{TASK}
  ProdService:
    Type: AWS::ECS::Service
    Condition: IsProd
    Properties:
      TaskDefinition: !Ref Task
  DevService:
    Type: AWS::ECS::Service
    Condition: Either
    Properties:
      TaskDefinition: !Ref Task
  MaybeService:
    Type: AWS::ECS::Service
    Condition: PublicDev
    Properties:
      TaskDefinition: !Ref Task
  RegionService:
    Type: AWS::ECS::Service
    Condition: InUsEast
    Properties:
      TaskDefinition: !If [IsProd, other, !Ref Task]
"#
    );
    let (inv, warnings) = load(&[("c.yaml", &text)]);
    let ids: Vec<&str> = inv.services.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "c.yaml#DevService",
            "c.yaml#MaybeService",
            "c.yaml#RegionService"
        ]
    );
    let notes: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(notes.len(), 3, "{notes:#?}");
    assert!(
        notes[0].starts_with("c.yaml:19:3: resource `ProdService` (AWS::ECS::Service) is left out: its condition `IsProd` is false under the parameter defaults"),
        "{notes:#?}"
    );
    assert!(
        notes[1].contains("`MaybeService` (AWS::ECS::Service) may not exist: its condition `PublicDev` cannot be evaluated (it comes from parameter `Public`, which has no default)"),
        "{notes:#?}"
    );
    assert!(
        notes[2].contains("`RegionService` (AWS::ECS::Service) may not exist: its condition `InUsEast` cannot be evaluated (it compares a pseudo parameter"),
        "{notes:#?}"
    );
    // `Fn::If` in properties reads the same conditions.
    assert_eq!(
        inv.services["c.yaml#RegionService"]
            .task_definition
            .as_deref(),
        Some("c.yaml#Task")
    );
}

/// Two templates of one scan that export the same name: CloudFormation refuses the second
/// stack, so a warning names both files.
#[test]
fn an_export_name_given_twice_names_both_files() {
    let template = |value: &str| {
        format!(
            "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {{VpcId: vpc-1}}\nOutputs:\n  O:\n    Value: {value}\n    Export: {{Name: shared-sg}}\n"
        )
    };
    let (_, warnings) = load(&[("a.yaml", &template("a")), ("b.yaml", &template("b"))]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].file, "b.yaml");
    assert!(
        warnings[0]
            .message
            .starts_with("export name `shared-sg` is also exported by a.yaml: "),
        "{}",
        warnings[0].message
    );
    // Different names, or one template alone: nothing to say.
    let (_, warnings) = load(&[("a.yaml", &template("a"))]);
    assert!(warnings.is_empty());
}

/// Templates in memory, read as the CLI reads files beside the parent.
struct Files(Vec<(&'static str, String)>);

impl crate::load::NestedTemplates for Files {
    fn read(&self, parent: &str, url: &str) -> Result<(String, Vec<u8>), String> {
        let dir = parent.rsplit_once('/').map_or("", |(d, _)| d);
        let name = url.trim_start_matches("./");
        let path = if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        self.0
            .iter()
            .find(|(n, _)| *n == path)
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .ok_or_else(|| format!("no file {path}"))
    }
}

/// The inventory, the warnings and how many nested stacks were not followed.
fn load_nested(top: &str, files: Files) -> (Inventory, Vec<Diagnostic>, usize) {
    let text = files.0.iter().find(|(n, _)| *n == top).unwrap().1.clone();
    let mut l = Loader::new();
    let parsed = crate::load::parse_document_with(
        top,
        text.as_bytes(),
        crate::load::Found::Named,
        Some(&files),
    )
    .unwrap();
    l.merge(parsed);
    let not_followed = l.nested_stacks_not_followed();
    let (inv, warnings) = l.finish();
    (inv, warnings, not_followed)
}

const PARENT: &str = r#"
Parameters:
  Public: {Type: String, Default: ENABLED}
Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./network.yaml
  App:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: app/service.yaml
      Parameters:
        AssignPublicIp: !Ref Public
        SecurityGroup: !GetAtt Network.Outputs.WebSg
        Subnets: !Join [",", [subnet-1, subnet-2]]
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://bucket.s3.amazonaws.com/t.yaml?X-Amz-Signature=secret
  Missing:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./missing.yaml
Outputs:
  Sg:
    Value: !GetAtt Network.Outputs.WebSg
    Export: {Name: web-sg}
"#;

const NETWORK: &str = r#"
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      VpcId: vpc-1
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}]
Outputs:
  WebSg:
    Value: !Ref Sg
"#;

const APP: &str = r#"
Parameters:
  AssignPublicIp: {Type: String, Default: DISABLED}
  SecurityGroup: {Type: String}
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      NetworkMode: awsvpc
      ContainerDefinitions:
        - {Name: web, Image: nginx, Privileged: true}
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: !Ref AssignPublicIp
          SecurityGroups: [!Ref SecurityGroup]
          Subnets: !Ref Subnets
"#;

#[test]
fn nested_stacks_with_local_templates_are_followed_with_their_parameters() {
    let files = Files(vec![
        ("stacks/parent.yaml", PARENT.to_string()),
        ("stacks/network.yaml", NETWORK.to_string()),
        ("stacks/app/service.yaml", APP.to_string()),
    ]);
    let (inv, warnings, not_followed) = load_nested("stacks/parent.yaml", files);
    assert_eq!(not_followed, 2);
    let s = &inv.services["stacks/parent.yaml#App/Service"];
    let vpc = s.awsvpc().unwrap();
    assert_eq!(vpc.assign_public_ip.as_deref(), Some("ENABLED"));
    assert_eq!(vpc.security_groups, ["stacks/parent.yaml#Network/Sg"]);
    assert_eq!(vpc.subnets, ["subnet-1", "subnet-2"]);
    assert!(
        inv.security_groups
            .contains_key("stacks/parent.yaml#Network/Sg")
    );
    // Evidence points at the nested template's own lines.
    let loc = inv.locate("stacks/parent.yaml#App/Task", None).unwrap();
    assert_eq!(loc.file, "stacks/app/service.yaml");
    let a = analyze(&inv);
    let f = &a.findings[0];
    assert!(f.has(TraitId::PrivilegedContainer) && f.has(TraitId::OpenSecurityGroup));
    // Stacks that are not followed are named, with why, and no URL query is shown.
    let notes: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(
        notes[0].contains("nested stack `Remote` (TemplateURL https://bucket.s3.amazonaws.com/t.yaml) is not followed: its template is not a local file"),
        "{notes:#?}"
    );
    assert!(!notes[0].contains("secret"));
    assert!(
        notes[1].contains("nested stack `Missing` (TemplateURL ./missing.yaml) is not followed: no file stacks/missing.yaml; its resources are not part of the scan"),
        "{notes:#?}"
    );
}

#[test]
fn nested_stack_cycles_and_depth_are_bounded() {
    let nests = |url: &str| {
        format!(
            "Resources:\n  Next:\n    Type: AWS::CloudFormation::Stack\n    Properties: {{TemplateURL: {url}}}\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties: {{VpcId: vpc-1}}\n"
        )
    };
    let files = Files(vec![
        ("a.yaml", nests("b.yaml")),
        ("b.yaml", nests("./a.yaml")),
    ]);
    let (inv, warnings, _) = load_nested("a.yaml", files);
    assert!(inv.security_groups.contains_key("a.yaml#Next/Sg"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .message
            .contains("is not followed: nested stack cycle a.yaml → b.yaml → a.yaml"),
        "{}",
        warnings[0].message
    );
    // A chain of distinct files deeper than the limit.
    let files = Files(
        (0..20)
            .map(|i| {
                let name: &'static str = Box::leak(format!("t{i}.yaml").into_boxed_str());
                (name, nests(&format!("t{}.yaml", i + 1)))
            })
            .collect(),
    );
    let (inv, warnings, _) = load_nested("t0.yaml", files);
    assert_eq!(
        inv.security_groups.len(),
        crate::load::iac::MAX_NESTED_STACK_DEPTH + 1
    );
    assert!(
        warnings[0].message.contains("limit MAX_NESTED_STACK_DEPTH"),
        "{warnings:?}"
    );
}
